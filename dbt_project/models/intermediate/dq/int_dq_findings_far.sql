/*
  DQ_FAR_SAKNAS (WARN, vhu, vardenhet, period YYYY like V2): VHU examinations
  with low physical activity (fysisk_aktivitet_lag = J) where far_forskriven
  is not registered (empty). FaR is registered by hand and often missing; an
  empty value counts as "no FaR" in V2. A finding from var dq_far_saknas_andel
  (0: every unit and year with any).

  affected = such examinations (rows); share = of the unit's examinations with
  low activity in the year.
*/
with per_enhet as (
    select
        substr(reporting_month, 1, 4) as period,
        hsa_id,
        sum(case when fysisk_aktivitet_lag then 1 else 0 end) as lag_aktivitet,
        sum(case when fysisk_aktivitet_lag and far_forskriven is null then 1 else 0 end) as far_saknas
    from {{ ref('stg_vhu__undersokningar') }}
    group by substr(reporting_month, 1, 4), hsa_id
)

select
    'DQ_FAR_SAKNAS' as check_id,
    'vhu' as source,
    period,
    'vardenhet' as level,
    hsa_id as unit_id,
    'WARN' as severity,
    cast(far_saknas as double) as affected,
    cast(far_saknas as double) / lag_aktivitet as share,
    'Vid ' || {{ dq_antal('far_saknas') }} || ' av ' || {{ dq_antal('lag_aktivitet') }}
        || ' hälsoundersökningar ' || period || ' med låg fysisk aktivitet är det inte registrerat om FaR '
        || '(fysisk aktivitet på recept) skrevs ut. De räknas som utan FaR i V2. Registrera FaR (KVÅ DV200) '
        || 'eller ''nej'' i VHU-formuläret.' as message
from per_enhet
where far_saknas > 0
  and cast(far_saknas as double) / lag_aktivitet >= {{ var('dq_far_saknas_andel') }}
