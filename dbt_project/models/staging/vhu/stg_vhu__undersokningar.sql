-- One row per VHU examination.
with source as (
    select * from {{ source('vhu', 'undersokning') }}
)

select
    {{ person_columns() }},
    upper(trim(hsa_id)) as hsa_id,
    undersokningsdatum,
    malgrupp,
    bmi,
    systoliskt_bt,
    diastoliskt_bt,
    glukos,
    kolesterol,
    fysisk_aktivitet_lag,
    halsosamtal,
    far_forskriven,
    {{ lineage_columns() }}
from source
