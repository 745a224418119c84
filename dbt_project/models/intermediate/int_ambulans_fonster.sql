/*
  The mångåkare window of each ambulance month that may be published.

  For a month whose last day is D the window is D - 364 .. D by larmtid date
  (with the default mangakare_fonster_dagar = 365). In a leap year that is
  2024-01-02 .. 2024-12-31 for 2024-12 and 2023-03-02 .. 2024-02-29 for 2024-02.

  A month is published only when ambulance data reaches back to the window's
  start: the first delivered month must be no later than the month holding
  D - 364. Otherwise the window would be cut short and every person's count
  (and A1-A3) understated, silently. So with data from 2024-01 on, the first
  published month is 2024-12.
*/
with delivered_months as (
    select distinct reporting_month as period
    from {{ ref('stg_ambulans__uppdrag') }}
),

bounds as (
    select
        period,
        {{ month_start('period') }} as month_start,
        cast({{ dbt.last_day(month_start('period'), 'month') }} as date) as fonster_slut
    from delivered_months
),

windows as (
    select
        period,
        cast({{ dbt.dateadd('day', 1 - var('mangakare_fonster_dagar') | int, 'fonster_slut') }} as date) as fonster_start,
        fonster_slut
    from bounds
),

first_delivery as (
    select min(month_start) as first_month_start
    from bounds
)

select
    windows.period,
    windows.fonster_start,
    windows.fonster_slut
from windows
cross join first_delivery
where first_delivery.first_month_start <= cast({{ dbt.date_trunc('month', 'windows.fonster_start') }} as date)
