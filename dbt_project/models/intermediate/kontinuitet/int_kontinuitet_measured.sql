{#-
  A view, not a table: its only reader, int_measures_unioned, takes its rows
  once, for the periods that union rebuilds (the filter reaches the grouping
  below through the view). As a table, its 11.5 million rows of 64-character
  pseudonyms were written and read back: on a national month the two models
  took 19.6 s, the union over this view 10.3 s (docs/decisions.md).
  rebuild= stays: its data tests check the periods of changed deliveries.
-#}
{{ config(materialized='view', rebuild='kontinuitet') }}
/*
  Continuity measures per health centre and month-end snapshot (K1-K3):
  listed persons (distinct, counted by int_measures_rolled_up), those with a
  fast läkarkontakt, and physicians' full-time equivalents by category.
*/
with listade as (
    -- One row per person and unit: a person listed twice at a unit counts once.
    select
        reporting_month as period,
        hsa_id,
        person_key,
        {{ dbt.bool_or('fast_lakarkontakt is not null') }} as har_fast_lakarkontakt
    from {{ ref('stg_listning__listningar') }}
    where {{ in_rebuild('reporting_month') }}
    group by reporting_month, hsa_id, person_key
),

lakare as (
    select * from {{ ref('stg_listning__lakare') }}
    where {{ in_rebuild('reporting_month') }}
),

measures as (
    select 'antal_listade' as measure_id, period, hsa_id,
           person_key as item_key, cast(null as double precision) as amount
    from listade

    union all

    select 'listade_med_fast_lakarkontakt', period, hsa_id, person_key, null
    from listade
    where har_fast_lakarkontakt

    union all

    -- A physician without a registered tjanstgoringsgrad adds nothing. FTE are summed as
    -- decimals (6 places): a sum of doubles depends on the order rows arrive in, which DuckDB
    -- does not fix, and the same delivery must give the same published figure to the last digit.
    select 'fte_specialist_allmanmedicin', reporting_month, hsa_id, null,
           sum(case when kategori = 'specialist_allmanmedicin' then cast(tjanstgoringsgrad as decimal(18, 6)) else 0 end)
    from lakare
    group by reporting_month, hsa_id

    union all

    select 'fte_st_allmanmedicin', reporting_month, hsa_id, null,
           sum(case when kategori = 'st_allmanmedicin' then cast(tjanstgoringsgrad as decimal(18, 6)) else 0 end)
    from lakare
    group by reporting_month, hsa_id
)

select
    {{ measure_columns(item_key='item_key', amount='amount') }}
from measures
