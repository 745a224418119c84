-- One row per physician and health centre in the month-end snapshot.
with source as (
    select * from {{ source('raw', 'listning_lakare') }}
)

select
    lakare_hsa_id,
    upper(trim(hsa_id)) as hsa_id,
    kategori,
    tjanstgoringsgrad,
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
from source
