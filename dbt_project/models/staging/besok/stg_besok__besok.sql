-- One row per visit in the month (CONTRACTS.md 2.7).
with source as (
    select * from {{ source('raw', 'besok_besok') }}
)

select
    besok_id,
    upper(trim(hsa_id)) as hsa_id,
    person_id,
    person_id_class,
    {{ person_key() }} as person_key,
    birth_year,
    sex,
    besoksdatum,
    nullif(trim(yrkesgrupp), '') as yrkesgrupp,
    -- HSA-ids are compared with the listing's fast_lakarkontakt and the lakare file: one case.
    upper(nullif(trim(personal_hsa_id), '')) as personal_hsa_id,
    kontakttyp,
    -- A physician visit (K4-K7): a läkare (XS915) and a known practitioner.
    coalesce(upper(trim(yrkesgrupp)) = 'XS915', false) and nullif(trim(personal_hsa_id), '') is not null
        as is_lakarbesok,
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
from source
