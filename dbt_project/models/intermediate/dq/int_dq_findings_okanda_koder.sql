{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='any_month') }}
/*
  Codes the reference data does not know. Kept and flagged, never dropped
  (CONTRACTS.md section 2); the indicators show them without roll-up.

  DQ_HSA_ID_OKAND (WARN, vardenhet): an HSA-id missing from the unit registry
  (reference/vardenheter.csv), by source and month; the unit gets no kommun,
  so it is left out of the kommun, länsdel and region figures.
  DQ_KOMMUNKOD_OKAND (WARN, kommun): a kommunkod missing from the municipality
  table (reference/kommuner.csv) in the listing (residence) or the ambulance
  data (pick-up place, which places mångåkare).

  affected = rows with the code; share = of the source's rows (with a code) in the month.
*/
with hsa as (
    select 'vardgaranti' as source, 'telefoni' as fil, reporting_month as period, hsa_id
    from {{ ref('stg_vardgaranti__telefonidagar') }} where {{ in_rebuild('reporting_month') }}
    union all
    select 'vardgaranti', 'bedomning', reporting_month, hsa_id from {{ ref('stg_vardgaranti__bedomningar') }} where {{ in_rebuild('reporting_month') }}
    union all
    select 'listning', 'listning', reporting_month, hsa_id from {{ ref('stg_listning__listningar') }} where {{ in_rebuild('reporting_month') }}
    union all
    select 'listning', 'lakare', reporting_month, hsa_id from {{ ref('stg_listning__lakare') }} where {{ in_rebuild('reporting_month') }}
    union all
    select 'vhu', 'inbjudan', reporting_month, hsa_id from {{ ref('stg_vhu__inbjudningar') }} where {{ in_rebuild('reporting_month') }}
    union all
    select 'vhu', 'undersokning', reporting_month, hsa_id from {{ ref('stg_vhu__undersokningar') }} where {{ in_rebuild('reporting_month') }}
),

kommunkoder as (
    select 'listning' as source, 'listning' as fil, reporting_month as period, kommunkod
    from {{ ref('stg_listning__listningar') }} where {{ in_rebuild('reporting_month') }}
    union all
    select 'ambulans', 'uppdrag', reporting_month, kommunkod from {{ ref('stg_ambulans__uppdrag') }} where {{ in_rebuild('reporting_month') }}
),

hsa_per_kalla as (
    select
        h.source, h.period, h.hsa_id,
        count(*) as rader,
        sum(count(*)) over (partition by h.source, h.period) as kallans_rader,
        sum(case when r.hsa_id is null then 1 else 0 end) as okanda_rader,
        string_agg(distinct h.fil, ', ' order by h.fil) as filer
    from hsa as h
    left join {{ ref('int_vardenheter_mapped_to_kommun') }} as r on r.hsa_id = h.hsa_id
    group by h.source, h.period, h.hsa_id
),

kommun_per_kalla as (
    select
        c.source, c.period, c.kommunkod,
        count(*) as rader,
        sum(count(*)) over (partition by c.source, c.period) as kallans_rader,
        sum(case when k.kommunkod is null then 1 else 0 end) as okanda_rader,
        string_agg(distinct c.fil, ', ' order by c.fil) as filer
    from kommunkoder as c
    left join {{ ref('int_kommuner_mapped_to_region') }} as k on k.kommunkod = c.kommunkod
    where c.kommunkod is not null
    group by c.source, c.period, c.kommunkod
)

select
    'DQ_HSA_ID_OKAND' as check_id,
    source,
    period,
    'vardenhet' as level,
    hsa_id as unit_id,
    'WARN' as severity,
    cast(okanda_rader as double) as affected,
    cast(okanda_rader as double) / kallans_rader as share,
    'HSA-id ' || hsa_id || ' finns inte i enhetsregistret (reference/vardenheter.csv) men förekommer på '
        || {{ dq_antal('okanda_rader') }} || ' rader i ' || filer || ' för ' || period
        || '. Enheten redovisas utan kommun och räknas inte in i kommun, länsdel eller region. Lägg till '
        || 'enheten i registret, eller be avsändaren rätta HSA-id.' as message
from hsa_per_kalla
where okanda_rader > 0

union all

select
    'DQ_KOMMUNKOD_OKAND',
    source,
    period,
    'kommun',
    kommunkod,
    'WARN',
    cast(okanda_rader as double),
    cast(okanda_rader as double) / kallans_rader,
    'Kommunkoden ' || kommunkod || ' finns inte i kommuntabellen (reference/kommuner.csv) men förekommer på '
        || {{ dq_antal('okanda_rader') }} || ' rader i ' || filer || ' för ' || period
        || '. Raderna kan inte placeras i en kommun, länsdel eller region. Rätta koden hos avsändaren, '
        || 'eller lägg till kommunen i tabellen.'
from kommun_per_kalla
where okanda_rader > 0
