-- One row per listed person and health centre in the month-end snapshot.
with source as (
    select * from {{ source('listning', 'listning') }}
)

select
    {{ person_columns() }},
    upper(trim(hsa_id)) as hsa_id,
    listningsdatum,
    kommunkod,
    -- An empty registration is no fast läkarkontakt (it is registered by hand).
    nullif(trim(fast_lakarkontakt), '') as fast_lakarkontakt,
    nullif(trim(fast_vardkontakt), '') as fast_vardkontakt,
    sarskilt_boende,
    {{ lineage_columns() }}
from source
