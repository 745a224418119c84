/*
  DQ_AMBULANS_FONSTER_OFULLSTANDIGT (WARN, ambulans, region): a delivered
  ambulance month whose A1-A3 are withheld because its 365-day window touches
  reporting months that were never delivered (CONTRACTS.md section 3.1, rule
  2; int_ambulans_fonster_tackning_counted). One finding per withheld month and region
  of the month's pick-up kommuner ('okänd' for a kommunkod missing from the
  municipality table), naming the missing months, so an analyst sees why the
  A rows for the month are absent.

  affected = missing months; share = of the reporting months the window touches.
*/
with tackning as (
    select * from {{ ref('int_ambulans_fonster_tackning_counted') }}
    where antal_saknade > 0
),

regioner as (
    select distinct
        u.reporting_month as period,
        coalesce(k.regionkod, 'okänd') as regionkod
    from {{ ref('stg_ambulans__uppdrag') }} as u
    left join {{ ref('int_kommuner_mapped_to_region') }} as k
        on k.kommunkod = u.kommunkod
)

select
    'DQ_AMBULANS_FONSTER_OFULLSTANDIGT' as check_id,
    'ambulans' as source,
    t.period,
    'region' as level,
    r.regionkod as unit_id,
    'WARN' as severity,
    cast(t.antal_saknade as double) as affected,
    cast(t.antal_saknade as double) / t.manader_i_fonster as share,
    'A1-A3 för ' || t.period || ' publiceras inte: mångåkarfönstret '
        || cast(t.fonster_start as varchar) || ' – ' || cast(t.fonster_slut as varchar)
        || ' omfattar ' || {{ dq_antal('t.antal_saknade') }} || ' av ' || {{ dq_antal('t.manader_i_fonster') }}
        || ' redovisningsmånader utan ambulansleverans (' || t.saknade_manader || '). Med dem saknas skulle '
        || 'antalet mångåkare bli för lågt. Leverera de saknade månaderna; raderna publiceras vid nästa körning.'
        as message
from tackning as t
inner join regioner as r
    on r.period = t.period
