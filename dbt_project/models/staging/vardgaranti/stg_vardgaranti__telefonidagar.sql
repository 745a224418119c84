-- One row per health centre and day: calls in and calls answered the same day.
with source as (
    select * from {{ source('raw', 'vardgaranti_telefoni') }}
)

select
    -- HSA-ids are compared upper-case and trimmed, the way the registry holds them.
    upper(trim(hsa_id)) as hsa_id,
    datum,
    inkommande_samtal,
    besvarade_samma_dag,
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
from source
