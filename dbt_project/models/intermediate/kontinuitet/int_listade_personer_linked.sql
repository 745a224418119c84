{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='listning') }}
-- Identified listed persons per month-end snapshot, with whether any of their
-- listings has a fast läkarkontakt: what other sources (ambulance, A3) link to
-- by pseudonym. Unidentified persons cannot be linked and are left out here.
select
    reporting_month as period,
    person_id,
    {{ dbt.bool_or('fast_lakarkontakt is not null') }} as har_fast_lakarkontakt
from {{ ref('stg_listning__listningar') }}
where person_id is not null
  and {{ in_rebuild('reporting_month') }}
group by reporting_month, person_id
