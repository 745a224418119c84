/*
  Which deliveries each period has: one row per month ('YYYY-MM') and year
  ('YYYY') with a boolean has_<delivery> per extract, plus
  has_mangakare_fonster for months whose mångåkare window may be published and
  has_besok_fonster for months whose 12-month visit window may be (K4, K5, K7).

  A month counts as delivered when raw holds rows for it (raw keeps at most one
  delivery per extract and month); a year when any of its months is delivered.
  pivot_measures() uses this to tell "nothing happened" (0) from "nothing
  arrived" (NULL).
*/
with delivered_months as (
    select distinct 'vardgaranti_telefoni' as delivery, reporting_month as period from {{ ref('stg_vardgaranti__telefonidagar') }}
    union all
    select distinct 'vardgaranti_bedomning', reporting_month from {{ ref('stg_vardgaranti__bedomningar') }}
    union all
    select distinct 'listning_listning', reporting_month from {{ ref('stg_listning__listningar') }}
    union all
    select distinct 'listning_lakare', reporting_month from {{ ref('stg_listning__lakare') }}
    union all
    select distinct 'ambulans_uppdrag', reporting_month from {{ ref('stg_ambulans__uppdrag') }}
    union all
    select distinct 'vhu_inbjudan', reporting_month from {{ ref('stg_vhu__inbjudningar') }}
    union all
    select distinct 'vhu_undersokning', reporting_month from {{ ref('stg_vhu__undersokningar') }}
    union all
    select 'mangakare_fonster', period from {{ ref('int_ambulans_fonster_filtered_to_complete') }}
    union all
    select distinct 'besok_besok', reporting_month from {{ ref('stg_besok__besok') }}
    union all
    select 'besok_fonster', period from {{ ref('int_besok_fonster_filtered_to_complete') }}
),

delivered_periods as (
    select delivery, period from delivered_months
    union
    select delivery, substr(period, 1, 4) from delivered_months
)

select
    period,
    {%- for name in delivery_names() %}
    {{ dbt.bool_or("delivery = '" ~ name ~ "'") }} as has_{{ name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from delivered_periods
group by period
