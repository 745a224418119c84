/*
  DQ_VHU_AR_OFULLSTANDIGT (WARN, vhu, region): V1 and V2 of a year whose
  twelve months have not all been delivered are published as year-to-date
  (CONTRACTS.md section 3.1, rule 3), and this finding says so, naming the
  months still missing for inbjudan and for undersökning. One finding per
  year and region of the health centres in that year's VHU data (through the
  unit registry; 'okänd' for an HSA-id missing from it).

  affected = months of the year missing for at least one of the two files;
  share = of the twelve.
*/
with rader as (
    select distinct 'inbjudan' as fil, reporting_month as manad, hsa_id from {{ ref('stg_vhu__inbjudningar') }}
    union all
    select distinct 'undersokning', reporting_month, hsa_id from {{ ref('stg_vhu__undersokningar') }}
),

-- A month is delivered when raw has rows for it or its file was loaded without any (no invitations in
-- July is a delivery, not a gap).
levererat as (
    select fil, manad from rader
    union
    select substr(extract, 5), reporting_month
    from {{ ref('int_dq_leveranser_filtered_to_latest') }}
    where is_attributed and status in ('loaded', 'loaded_with_set_aside')
      and extract in ('vhu_inbjudan', 'vhu_undersokning')
),

ar as (
    select distinct substr(manad, 1, 4) as period from rader
),

-- Every month of each year with VHU data, for each of the two files.
forvantat as (
    select
        ar.period,
        filer.fil,
        ar.period || '-' || lpad(cast(m.nr as varchar), 2, '0') as manad
    from ar
    cross join (select unnest(range(1, 13)) as nr) as m
    cross join (values ('inbjudan'), ('undersokning')) as filer(fil)
),

saknas as (
    select forvantat.*
    from forvantat
    where not exists (
        select 1 from levererat
        where levererat.fil = forvantat.fil and levererat.manad = forvantat.manad
    )
),

per_ar as (
    select
        period,
        count(distinct manad) as antal_saknade,
        string_agg(case when fil = 'inbjudan' then manad end, ', ' order by manad) as inbjudan_saknas,
        string_agg(case when fil = 'undersokning' then manad end, ', ' order by manad) as undersokning_saknas
    from saknas
    group by period
),

regioner as (
    select distinct
        substr(l.manad, 1, 4) as period,
        coalesce(k.regionkod, 'okänd') as regionkod
    from rader as l
    left join {{ ref('int_vardenheter_mapped_to_kommun') }} as e
        on e.hsa_id = l.hsa_id
    left join {{ ref('int_kommuner_mapped_to_region') }} as k
        on k.kommunkod = e.kommunkod
)

select
    'DQ_VHU_AR_OFULLSTANDIGT' as check_id,
    'vhu' as source,
    p.period,
    'region' as level,
    r.regionkod as unit_id,
    'WARN' as severity,
    cast(p.antal_saknade as double) as affected,
    cast(p.antal_saknade as double) / 12 as share,
    'V1 och V2 för ' || p.period || ' är publicerade hittills i år (år-till-datum): '
        || {{ dq_antal('p.antal_saknade') }} || ' av årets 12 månader är inte levererade. Saknas: '
        || concat_ws('; ',
                     'inbjudan ' || p.inbjudan_saknas,
                     'undersökning ' || p.undersokning_saknas)
        || '. Värdena ändras när månaderna kommer in; jämför inte med helår förrän alla månader finns.'
        as message
from per_ar as p
inner join regioner as r
    on r.period = p.period
