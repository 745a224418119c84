-- One row per care-guarantee contact and its (hand-registered) assessment date.
with source as (
    select * from {{ source('raw', 'vardgaranti_bedomning') }}
)

select
    kontakt_id,
    upper(trim(hsa_id)) as hsa_id,
    person_id,
    person_id_class,
    {{ person_key() }} as person_key,
    birth_year,
    sex,
    kontaktdatum,
    bedomningsdatum,
    nullif(trim(yrkesgrupp), '') as yrkesgrupp,
    nullif(trim(avvikelse), '') as avvikelse,
    -- PvV (the patient chose to wait) leaves the contact out of T2 altogether.
    coalesce(lower(trim(avvikelse)) = 'pvv', false) as is_patient_vald_vantan,
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
from source
