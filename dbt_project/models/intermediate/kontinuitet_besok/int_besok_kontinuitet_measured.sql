{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='kontinuitet_besok') }}
/*
  Continuity measures from the visits per health centre and month (K4-K7;
  CONTRACTS.md section 3.2), in the shape of the other int_<subject>_measured
  models, rolled up by int_measures_rolled_up.

  K4, K5, K7 (the 12-month window, int_besok_lakarbesok_counted_per_person): persons
  with >= 2 physician visits are counted by key (distinct at every level); the
  sums of UPC and COC are additive amounts. Each person sits at one unit
  (int_besok_listade_attribuerade), so a kommun's sum is the sum of its units'.
  The per-person indices are summed as decimals (12 places) and the unit's sum
  rounded so, as the FTE are: a sum of doubles depends on the order the rows
  arrive in, and the same delivery must give the same figure to the last digit.

  K6 (the month): physician visits in the month by persons listed with a fast
  läkarkontakt in that month's snapshot, attributed to their listing unit, and
  of those the visits held by that named GP. Visits are events, summed.
*/
with fonster as (
    select * from {{ ref('int_besok_lakarbesok_counted_per_person') }}
    where {{ in_rebuild('period') }}
),

k6 as (
    select
        besok.reporting_month as period,
        listade.hsa_id,
        count(*) as besok,
        count(*) filter (where besok.personal_hsa_id = listade.fast_lakarkontakt) as hos_fast_lakare
    from {{ ref('stg_besok__besok') }} as besok
    inner join {{ ref('int_besok_listade_attribuerade') }} as listade
        on listade.period = besok.reporting_month
       and listade.person_key = besok.person_key
    where besok.is_lakarbesok
      and listade.fast_lakarkontakt is not null
      and {{ in_rebuild('besok.reporting_month') }}
    group by besok.reporting_month, listade.hsa_id
),

measures as (
    select 'antal_minst_tva_lakarbesok' as measure_id, period, hsa_id, person_key as item_key,
           cast(null as double precision) as amount
    from fonster

    union all

    select 'upc_summa', period, hsa_id, null, cast(sum(cast(upc as decimal(38, 12))) as double precision)
    from fonster
    group by period, hsa_id

    union all

    select 'coc_summa', period, hsa_id, null, cast(sum(cast(coc as decimal(38, 12))) as double precision)
    from fonster
    group by period, hsa_id

    union all

    select 'antal_minst_tva_lakarbesok_sabo', period, hsa_id, person_key, null
    from fonster
    where is_sabo

    union all

    select 'upc_summa_sabo', period, hsa_id, null, cast(sum(cast(upc as decimal(38, 12))) as double precision)
    from fonster
    where is_sabo
    group by period, hsa_id

    union all

    select 'lakarbesok_listade_med_fast_lakare', period, hsa_id, null, cast(besok as double precision)
    from k6

    union all

    select 'lakarbesok_hos_fast_lakare', period, hsa_id, null, cast(hos_fast_lakare as double precision)
    from k6
)

select
    {{ measure_columns(item_key='item_key', amount='amount') }}
from measures
