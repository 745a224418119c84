-- One row per health centre and day: calls in and calls answered the same day.
with source as (
    select * from {{ source('vardgaranti', 'telefoni') }}
)

select
    -- HSA-ids are compared upper-case and trimmed, the way the registry holds them.
    upper(trim(hsa_id)) as hsa_id,
    datum,
    inkommande_samtal,
    besvarade_samma_dag,
    {{ lineage_columns() }}
from source
