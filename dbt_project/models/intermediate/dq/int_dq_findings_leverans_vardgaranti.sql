/*
  DQ_LEVERANS_SAKNAS (WARN, vardgaranti, vardenhet): a health centre present in
  one of the two vårdgaranti extracts of a month but missing from the other (a
  missing delivery from that unit), in months where both files arrived (a
  whole missing file is DQ_FIL_SAKNAS). A unit with telephone rows but no
  incoming call all month is not expected to have contacts.

  affected = 1 (one unit's monthly delivery); share is not defined.
*/
with telefoni as (
    select reporting_month as period, hsa_id, sum(inkommande_samtal) as samtal
    from {{ ref('stg_vardgaranti__telefonidagar') }}
    group by reporting_month, hsa_id
),

bedomning as (
    select reporting_month as period, hsa_id, count(*) as kontakter
    from {{ ref('stg_vardgaranti__bedomningar') }}
    group by reporting_month, hsa_id
),

bada_filerna as (
    select distinct period from telefoni
    intersect
    select distinct period from bedomning
)

select
    'DQ_LEVERANS_SAKNAS' as check_id,
    'vardgaranti' as source,
    t.period,
    'vardenhet' as level,
    t.hsa_id as unit_id,
    'WARN' as severity,
    1.0 as affected,
    cast(null as double) as share,
    'Enheten levererade telefonidata för ' || t.period || ' (' || {{ dq_antal('t.samtal') }}
        || ' inkommande samtal) men inga bedömningar: den saknas i bedomning_' || t.period
        || '.csv. T2 saknas för enheten den månaden. Kontrollera att enheten kom med i uttaget och be om '
        || 'en kompletterad leverans.' as message
from telefoni as t
inner join bada_filerna as p on p.period = t.period
left join bedomning as b on b.period = t.period and b.hsa_id = t.hsa_id
where b.hsa_id is null and t.samtal > 0

union all

select
    'DQ_LEVERANS_SAKNAS',
    'vardgaranti',
    b.period,
    'vardenhet',
    b.hsa_id,
    'WARN',
    1.0,
    cast(null as double),
    'Enheten finns i bedomning_' || b.period || '.csv (' || {{ dq_antal('b.kontakter') }}
        || ' kontakter) men saknas i telefoni_' || b.period || '.csv. T1 saknas för enheten den månaden. '
        || 'Kontrollera att enheten kom med i telefoniuttaget och be om en kompletterad leverans.'
from bedomning as b
inner join bada_filerna as p on p.period = b.period
left join telefoni as t on t.period = b.period and t.hsa_id = b.hsa_id
where t.hsa_id is null
