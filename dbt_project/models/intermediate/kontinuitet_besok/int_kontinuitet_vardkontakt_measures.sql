{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='listning') }}
/*
  K8's numerator per health centre and month-end snapshot: distinct listed
  persons with a registered fast vårdkontakt (the column is delivered and was
  not used before contract 1.2). Counted like K1's (int_kontinuitet_measures):
  one row per person and unit, a person listed twice at a unit counts once;
  K8's denominator is K1's, antal_listade.
*/
select
    'listade_med_fast_vardkontakt' as measure_id,
    reporting_month as period,
    hsa_id,
    cast(null as {{ dbt.type_string() }}) as kommunkod,
    cast(null as {{ dbt.type_string() }}) as regionkod,
    cast(person_key as {{ dbt.type_string() }}) as item_key,
    cast(null as double precision) as amount
from {{ ref('stg_listning__listningar') }}
where fast_vardkontakt is not null
  and {{ in_rebuild('reporting_month') }}
group by reporting_month, hsa_id, person_key
