{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='listning') }}
/*
  The listing per health centre and month-end snapshot, as the fast
  läkarkontakt and SÄBO checks need it: distinct persons listed, with a
  registered fast läkarkontakt, living in SÄBO, and those outside SÄBO
  without one (the manual-registration gap proper; SÄBO residents cannot be
  registered at all and are reported on their own).
*/
with personer as (
    -- One row per person and unit: a person listed twice at a unit counts once.
    select
        reporting_month as period,
        hsa_id,
        person_key,
        {{ dbt.bool_or('fast_lakarkontakt is not null') }} as har_fast_lakarkontakt,
        {{ dbt.bool_or('coalesce(sarskilt_boende, false)') }} as bor_pa_sabo
    from {{ ref('stg_listning__listningar') }}
    where {{ in_rebuild('reporting_month') }}
    group by reporting_month, hsa_id, person_key
)

select
    period,
    hsa_id,
    count(*) as listade,
    sum(case when har_fast_lakarkontakt then 1 else 0 end) as med_fast_lakarkontakt,
    sum(case when bor_pa_sabo then 1 else 0 end) as pa_sabo,
    sum(case when not bor_pa_sabo then 1 else 0 end) as listade_utom_sabo,
    sum(case when not bor_pa_sabo and not har_fast_lakarkontakt then 1 else 0 end) as utan_fast_lakarkontakt_utom_sabo
from personer
group by period, hsa_id
