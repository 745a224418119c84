{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='tillganglighet') }}
/*
  Accessibility measures per health centre and month (T1, T2).

  Output shape shared by every int_<subject>_measured model: one row per
  measure, period and base unit, with either an additive `amount` or an
  `item_key` to be counted distinct by int_measures_rolled_up.
*/
with telefoni as (
    select * from {{ ref('stg_vardgaranti__telefonidagar') }}
    where {{ in_rebuild('reporting_month') }}
),

-- T2 counts only contacts whose assessment date was registered, and leaves
-- PvV (the patient chose to wait) out of numerator and denominator alike.
bedomda as (
    select
        hsa_id,
        {{ month_label('kontaktdatum') }} as period,
        -- "within 3 days" is calendar days: kontakt 2024-01-30 -> 2024-02-02 still counts.
        case
            when bedomningsdatum <= cast({{ dbt.dateadd('day', 3, 'kontaktdatum') }} as date) then 1
            else 0
        end as inom_3_dagar
    from {{ ref('stg_vardgaranti__bedomningar') }}
    where bedomningsdatum is not null
      and not is_patient_vald_vantan
      and {{ in_rebuild('reporting_month') }}
),

measures as (
    select 'samtal_inkommande' as measure_id, reporting_month as period, hsa_id,
           sum(inkommande_samtal) as amount
    from telefoni
    group by reporting_month, hsa_id

    union all

    select 'samtal_besvarade_samma_dag', reporting_month, hsa_id,
           sum(besvarade_samma_dag)
    from telefoni
    group by reporting_month, hsa_id

    union all

    select 'kontakter_bedomda', period, hsa_id, count(*)
    from bedomda
    group by period, hsa_id

    union all

    select 'kontakter_bedomda_inom_3_dagar', period, hsa_id, sum(inom_3_dagar)
    from bedomda
    group by period, hsa_id
)

select
    {{ measure_columns(amount='amount') }}
from measures
