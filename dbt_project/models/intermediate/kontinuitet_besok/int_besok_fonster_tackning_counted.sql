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

-- the twelve reporting months of each window
touched as (
    select
        period,
        {{ months_up_to(month_start('period') ~ ' - interval 11 month', 'period') }} as manad
    from delivered_months
),

coverage as (
    {{ window_coverage('touched', 'delivered_months') }}
)

select
    period,
    forsta_manad,
    period as sista_manad,
    manader_i_fonster,
    antal_saknade,
    saknade_manader
from coverage
