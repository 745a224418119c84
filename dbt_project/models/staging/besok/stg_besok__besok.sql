-- One row per visit in the month (CONTRACTS.md 2.7).
with source as (
    select * from {{ source('besok', 'besok') }}
)

select
    besok_id,
    upper(trim(hsa_id)) as hsa_id,
    {{ person_columns() }},
    besoksdatum,
    nullif(trim(yrkesgrupp), '') as yrkesgrupp,
    -- HSA-ids are compared with the listing's fast_lakarkontakt and the lakare file: one case.
    upper(nullif(trim(personal_hsa_id), '')) as personal_hsa_id,
    kontakttyp,
    -- A physician visit (K4-K7): a läkare (XS915) and a known practitioner.
    coalesce(upper(trim(yrkesgrupp)) = 'XS915', false) and nullif(trim(personal_hsa_id), '') is not null
        as is_lakarbesok,
    {{ lineage_columns() }}
from source
