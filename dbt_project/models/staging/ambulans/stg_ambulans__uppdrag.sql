-- One row per ambulance assignment.
with source as (
    select * from {{ source('raw', 'ambulans_uppdrag') }}
)

select
    uppdrag_id,
    person_id,
    person_id_class,
    {{ person_key() }} as person_key,
    birth_year,
    sex,
    larmtid,
    -- The mångåkare window is counted in whole days of the alarm time.
    cast(larmtid as date) as larmdatum,
    prioritet,
    kommunkod,
    utfall,
    retts,
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
from source
