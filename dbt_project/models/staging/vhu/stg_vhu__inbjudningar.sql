-- One row per VHU invitation.
with source as (
    select * from {{ source('vhu', 'inbjudan') }}
)

select
    {{ person_columns() }},
    upper(trim(hsa_id)) as hsa_id,
    inbjudningsdatum,
    malgrupp,
    {{ lineage_columns() }}
from source
