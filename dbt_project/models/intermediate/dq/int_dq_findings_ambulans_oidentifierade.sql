/*
  DQ_AMBULANS_EJ_IDENTIFIERAD (WARN, ambulans, region): ambulance assignments
  whose patient cannot be linked to a person (blank personnummer, reservnummer,
  wrong check digit: person_id NULL). They count in A2's denominator but can
  never make anyone a mångåkare, so A1-A3 are understated. By reporting month
  and the region of the pick-up kommun ('okänd' when the kommunkod is unknown).
  A finding from var dq_ambulans_oidentifierad_andel (0: every month with any).

  affected = unidentified assignments; share = of the region's assignments.
*/
with uppdrag as (
    select
        u.reporting_month as period,
        coalesce(k.regionkod, 'okänd') as regionkod,
        u.person_id is null as oidentifierad
    from {{ ref('stg_ambulans__uppdrag') }} as u
    left join {{ ref('int_kommuner_mapped_to_region') }} as k
        on k.kommunkod = u.kommunkod
),

per_manad as (
    select
        period,
        regionkod,
        count(*) as uppdrag,
        sum(case when oidentifierad then 1 else 0 end) as oidentifierade
    from uppdrag
    group by period, regionkod
)

select
    'DQ_AMBULANS_EJ_IDENTIFIERAD' as check_id,
    'ambulans' as source,
    period,
    'region' as level,
    regionkod as unit_id,
    'WARN' as severity,
    cast(oidentifierade as double) as affected,
    cast(oidentifierade as double) / uppdrag as share,
    {{ dq_antal('oidentifierade') }} || ' av ' || {{ dq_antal('uppdrag') }} || ' ambulansuppdrag ('
        || {{ dq_procent('cast(oidentifierade as double) / uppdrag') }} || ') i ' || period
        || ' kan inte kopplas till en person (tomt personnummer, reservnummer eller fel kontrollsiffra). '
        || 'De räknas i A2:s nämnare men aldrig som mångåkare, så A1-A3 blir för låga. Komplettera '
        || 'personnumret i ambulansjournalen när patienten har identifierats.' as message
from per_manad
where oidentifierade > 0
  and cast(oidentifierade as double) / uppdrag >= {{ var('dq_ambulans_oidentifierad_andel') }}
