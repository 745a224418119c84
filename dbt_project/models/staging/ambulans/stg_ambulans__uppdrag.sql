-- One row per ambulance assignment.
with source as (
    select * from {{ source('ambulans', 'uppdrag') }}
)

select
    uppdrag_id,
    {{ person_columns() }},
    larmtid,
    -- The mångåkare window is counted in whole days of the alarm time.
    cast(larmtid as date) as larmdatum,
    prioritet,
    kommunkod,
    utfall,
    retts,
    {{ lineage_columns() }}
from source
