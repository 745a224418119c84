/*
  DQ_MANGAKARE_UTAN_KOMMUN (WARN, ambulans, region): mångåkare none of whose
  assignments in the month's window has a kommunkod (CONTRACTS.md section
  3.1, rule 4). They are counted at region level only (A1 and A3 of the
  region), so the kommun figures of the region add up to less than its own.
  By published month and region ('okänd' when the window's ambulance data
  does not lie in exactly one region: then they are counted nowhere).

  affected = such persons; share = of the region's mångåkare that month.
*/
with mangakare as (
    select
        a.period,
        coalesce(k.regionkod, a.regionkod, 'okänd') as regionkod,
        a.kommunkod is null as utan_kommun
    from {{ ref('int_mangakare_attributed') }} as a
    left join {{ ref('int_kommuner_mapped_to_region') }} as k
        on k.kommunkod = a.kommunkod
),

per_manad as (
    select
        period,
        regionkod,
        count(*) as antal_mangakare,
        sum(case when utan_kommun then 1 else 0 end) as utan_kommun
    from mangakare
    group by period, regionkod
)

select
    'DQ_MANGAKARE_UTAN_KOMMUN' as check_id,
    'ambulans' as source,
    period,
    'region' as level,
    regionkod as unit_id,
    'WARN' as severity,
    cast(utan_kommun as double) as affected,
    cast(utan_kommun as double) / antal_mangakare as share,
    {{ dq_antal('utan_kommun') }} || ' av ' || {{ dq_antal('antal_mangakare') }} || ' mångåkare i ' || period
        || ' har inget uppdrag med kommunkod i fönstret. De räknas bara på regionnivå (A1 och A3), så '
        || 'kommunernas siffror summerar till mindre än regionens. Komplettera kommunkoden för hämtplatsen '
        || 'i ambulansjournalen.' as message
from per_manad
where utan_kommun > 0
