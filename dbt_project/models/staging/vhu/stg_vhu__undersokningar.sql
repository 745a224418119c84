-- One row per VHU examination.
with source as (
    select * from {{ source('raw', 'vhu_undersokning') }}
)

select
    person_id,
    person_id_class,
    {{ person_key() }} as person_key,
    birth_year,
    sex,
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
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
from source
