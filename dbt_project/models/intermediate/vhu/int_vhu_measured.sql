{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='vhu') }}
/*
  Västerbottens hälsoundersökningar (V1, V2) per health centre and year:
  distinct persons (counted by int_measures_rolled_up), invitations by the
  inviting unit, examinations by the examining unit.
*/
with inbjudna as (
    select distinct
        {{ year_label('inbjudningsdatum') }} as period,
        hsa_id,
        person_key
    from {{ ref('stg_vhu__inbjudningar') }}
    where {{ in_rebuild(year_label('inbjudningsdatum')) }}
),

undersokta as (
    select
        {{ year_label('undersokningsdatum') }} as period,
        hsa_id,
        person_key,
        coalesce(fysisk_aktivitet_lag, false) as lag_aktivitet,
        coalesce(fysisk_aktivitet_lag and far_forskriven, false) as lag_aktivitet_med_far
    from {{ ref('stg_vhu__undersokningar') }}
    where {{ in_rebuild(year_label('undersokningsdatum')) }}
),

measures as (
    select 'antal_inbjudna' as measure_id, period, hsa_id, person_key
    from inbjudna

    union all

    select distinct 'antal_undersokta', period, hsa_id, person_key
    from undersokta

    union all

    select distinct 'antal_lag_aktivitet', period, hsa_id, person_key
    from undersokta
    where lag_aktivitet

    union all

    -- Both on the same examination, as the contract says.
    select distinct 'antal_lag_aktivitet_med_far', period, hsa_id, person_key
    from undersokta
    where lag_aktivitet_med_far
)

select
    {{ measure_columns(item_key='person_key') }}
from measures
