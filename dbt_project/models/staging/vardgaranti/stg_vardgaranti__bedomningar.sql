-- One row per care-guarantee contact and its (hand-registered) assessment date.
with source as (
    select * from {{ source('vardgaranti', 'bedomning') }}
)

select
    kontakt_id,
    upper(trim(hsa_id)) as hsa_id,
    {{ person_columns() }},
    kontaktdatum,
    bedomningsdatum,
    nullif(trim(yrkesgrupp), '') as yrkesgrupp,
    nullif(trim(avvikelse), '') as avvikelse,
    -- PvV (the patient chose to wait) leaves the contact out of T2 altogether.
    coalesce(lower(trim(avvikelse)) = 'pvv', false) as is_patient_vald_vantan,
    {{ lineage_columns() }}
from source
