/*
  How far the visit deliveries cover the 12-month window of every delivered
  visit month (K4, K5, K7; CONTRACTS.md section 3.2).

  The window of month P is the twelve reporting months P - 11 .. P (2024-01 ..
  2024-12 for 2024-12), by the reporting month of the besok file, like the
  window of the A indicators; every one of them must have been delivered, or a
  person's visits (and so their UPC and COC) would be counted from part of the
  year silently. A gap of one month in the middle withholds the month as much
  as a missing start.

  One row per delivered month: saknade_manader lists the months of its window
  without a visit delivery ('YYYY-MM, YYYY-MM', NULL when complete).
*/
with delivered_months as (
    select distinct reporting_month as period
    from {{ ref('stg_besok__besok') }}
),

-- DuckDB: the twelve reporting months of each window.
touched as (
    select
        period,
        strftime(unnest(generate_series(
            cast({{ month_start('period') }} - interval 11 month as date),
            {{ month_start('period') }},
            interval 1 month)), '%Y-%m') as manad
    from delivered_months
),

coverage as (
    select
        touched.period,
        min(touched.manad) as forsta_manad,
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
    period,
    forsta_manad,
    period as sista_manad,
    manader_i_fonster,
    antal_saknade,
    saknade_manader
from coverage
