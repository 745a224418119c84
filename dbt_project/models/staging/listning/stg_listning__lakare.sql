-- One row per physician and health centre in the month-end snapshot.
with source as (
    select * from {{ source('listning', 'lakare') }}
)

select
    lakare_hsa_id,
    upper(trim(hsa_id)) as hsa_id,
    kategori,
    tjanstgoringsgrad,
    {{ lineage_columns() }}
from source
