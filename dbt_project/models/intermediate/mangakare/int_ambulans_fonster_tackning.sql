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
  int_ambulans_fonster keeps the complete ones; int_dq_findings_ambulans_fonster
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

-- DuckDB: every reporting month the window touches.
touched as (
    select
        windows.period,
        strftime(unnest(generate_series(
            cast({{ dbt.date_trunc('month', 'windows.fonster_start') }} as date),
            {{ month_start('windows.period') }},
            interval 1 month)), '%Y-%m') as manad
    from windows
),

coverage as (
    select
        touched.period,
        count(*) as manader_i_fonster,
        count(*) filter (where delivered_months.period is null) as antal_saknade,
        string_agg(case when delivered_months.period is null then touched.manad end, ', '
                   order by touched.manad) as saknade_manader
    from touched
    left join delivered_months
        on delivered_months.period = touched.manad
    group by touched.period
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
