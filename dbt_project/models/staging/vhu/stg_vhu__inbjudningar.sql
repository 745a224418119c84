-- One row per VHU invitation.
with source as (
    select * from {{ source('raw', 'vhu_inbjudan') }}
)

select
    person_id,
    person_id_class,
    {{ person_key() }} as person_key,
    birth_year,
    sex,
    upper(trim(hsa_id)) as hsa_id,
    inbjudningsdatum,
    malgrupp,
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
from source
