/*
  How far the ambulance deliveries cover the mångåkare window of every
  delivered ambulance month (CONTRACTS.md section 3.1, rule 2).

  For a month whose last day is D the window is D - 364 .. D by larmtid date
  (with the default mangakare_fonster_dagar = 365). In a leap year that is
  2024-01-02 .. 2024-12-31 for 2024-12 and 2023-03-02 .. 2024-02-29 for 2024-02.
  The window touches the reporting months from the month holding D - 364 to
  the month itself (twelve, or thirteen for a longer window); every one of
  them must have been delivered, or each person's count (and A1-A3) would be
  understated silently. A gap of one month in the middle counts as much as a
  missing start.

  One row per delivered month: saknade_manader lists the months of its window
  without an ambulance delivery ('YYYY-MM, YYYY-MM', NULL when complete).
  int_ambulans_fonster_filtered_to_complete keeps the complete ones; int_dq_findings_ambulans_fonster
  reports the others.
*/
with delivered_months as (
    select distinct reporting_month as period
    from {{ ref('stg_ambulans__uppdrag') }}
),

windows as (
    select
        period,
        cast({{ dbt.dateadd('day', 1 - var('mangakare_fonster_dagar') | int,
                            dbt.last_day(month_start('period'), 'month')) }} as date) as fonster_start,
        cast({{ dbt.last_day(month_start('period'), 'month') }} as date) as fonster_slut
    from delivered_months
),

-- every reporting month the window touches
touched as (
    select
        windows.period,
        {{ months_up_to('windows.fonster_start', 'windows.period') }} as manad
    from windows
),

coverage as (
    {{ window_coverage('touched', 'delivered_months') }}
)

select
    windows.period,
    windows.fonster_start,
    windows.fonster_slut,
    coverage.manader_i_fonster,
    coverage.antal_saknade,
    coverage.saknade_manader
from windows
inner join coverage
    on coverage.period = windows.period
