-- One row per listed person and health centre in the month-end snapshot.
with source as (
    select * from {{ source('raw', 'listning_listning') }}
)

select
    person_id,
    person_id_class,
    {{ person_key() }} as person_key,
    birth_year,
    sex,
    upper(trim(hsa_id)) as hsa_id,
    listningsdatum,
    kommunkod,
    -- An empty registration is no fast läkarkontakt (it is registered by hand).
    nullif(trim(fast_lakarkontakt), '') as fast_lakarkontakt,
    nullif(trim(fast_vardkontakt), '') as fast_vardkontakt,
    sarskilt_boende,
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
from source
