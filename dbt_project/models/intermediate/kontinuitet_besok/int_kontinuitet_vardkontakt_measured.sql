{#- A view, read once by int_measures_unioned, like int_kontinuitet_measured (see there). -#}
{{ config(materialized='view', rebuild='listning') }}
/*
  K8's numerator per health centre and month-end snapshot: distinct listed
  persons with a registered fast vårdkontakt (the column is delivered and was
  not used before contract 1.2). Counted like K1's (int_kontinuitet_measured):
  one row per person and unit, a person listed twice at a unit counts once;
  K8's denominator is K1's, antal_listade.
*/
select
    {{ measure_columns(measure_id="'listade_med_fast_vardkontakt'", period='reporting_month',
                       item_key='person_key') }}
from {{ ref('stg_listning__listningar') }}
where fast_vardkontakt is not null
  and {{ in_rebuild('reporting_month') }}
group by reporting_month, hsa_id, person_key
