{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='measures') }}
/*
  The one roll-up: every measure from the int_<subject>_measured models, from
  its base unit to all levels.

  - A health centre's facts go to the kommun the unit registry gives it (its
    own kommun, not its patients'); ambulance facts come with a kommunkod.
  - A kommun goes to its länsdel (if the region has länsdelar) and region
    through the municipality table.
  - Additive measures are summed; person measures are counted distinct at
    every level, so a person seen at two health centres of a kommun is one
    person in the kommun (not the sum of the unit counts).
  - An HSA-id missing from the registry stays at vardenhet level, named
    '<hsa_id> (okänd enhet)', and cannot roll up; likewise a kommunkod missing
    from the municipality table stays at kommun level as '<kod> (okänd kommun)'.
*/
with facts as (
    select * from {{ ref('int_measures_unioned') }}
    where {{ in_rebuild('period') }}
),

enheter as (
    select * from {{ ref('int_vardenheter_mapped_to_kommun') }}
),

kommuner as (
    select * from {{ ref('int_kommuner_mapped_to_region') }}
),

{#-
  Only codes travel through the aggregation; names are joined to the (few)
  result rows afterwards, and the person keys arrive as 128-bit digests
  (compact_key, in int_measures_unioned). On a region's 24 months the wide
  version ran out of DuckDB's memory limit.
-#}
located as (
    select
        facts.measure_id,
        facts.period,
        facts.item_key,
        facts.amount,
        facts.hsa_id,
        -- Health-centre facts: the registry's kommun (NULL for an unknown unit).
        case when facts.hsa_id is not null then enheter.kommunkod else facts.kommunkod end as kommunkod,
        kommuner.lansdel,
        -- a fact without a kommun may still name its region (a mångåkare with no kommunkod)
        coalesce(kommuner.regionkod, facts.regionkod) as regionkod
    from facts
    left join enheter
        on enheter.hsa_id = facts.hsa_id
    left join kommuner
        on kommuner.kommunkod = (case when facts.hsa_id is not null then enheter.kommunkod else facts.kommunkod end)
),

{#-
  All four levels in one pass with grouping sets (standard SQL: DuckDB, Spark
  and Trino have them). Distinct persons are counted per group; additive
  measures are summed. Four separate distinct-then-count branches, as before,
  held four hash tables of 10.5 million persons at once on a national month
  and ran out of DuckDB's 4 GB; the baseline of `naravard bench` does it this
  way within that limit.
  grouping(hsa_id, kommunkod, lansdel, regionkod) is 7, 11, 13 and 14 for the
  vardenhet, kommun, länsdel and region sets (a 1 bit for each column rolled away).
-#}
grouped as (
    select
        measure_id,
        period,
        hsa_id,
        kommunkod,
        lansdel,
        regionkod,
        grouping(hsa_id, kommunkod, lansdel, regionkod) as set_id,
        count(item_key) as keyed_rows,
        count(distinct item_key) as persons,
        -- decimal, so the sum does not depend on the order of the rows (FTE have 6 places)
        sum(case when item_key is null then cast(amount as decimal(38, 6)) end) as summed
    from located
    group by grouping sets (
        (measure_id, period, hsa_id),
        (measure_id, period, kommunkod),
        (measure_id, period, lansdel),
        (measure_id, period, regionkod)
    )
),

amounts as (
    select
        measure_id,
        period,
        case set_id when 7 then 'vardenhet' when 11 then 'kommun' when 13 then 'lansdel' else 'region' end as level,
        case set_id when 7 then hsa_id when 11 then kommunkod when 13 then lansdel else regionkod end as unit_id,
        -- a measure is either additive (no key) or counts persons (a key on every row)
        case when keyed_rows > 0 then persons + coalesce(summed, 0) else summed end as amount
    from grouped
),

names as (
    select 'vardenhet' as level, hsa_id as unit_id, enhetsnamn as unit_name from enheter
    union all
    select 'kommun', kommunkod, kommun from kommuner
    union all
    select distinct 'lansdel', lansdel, lansdel from kommuner where lansdel is not null
    union all
    select distinct 'region', regionkod, region from kommuner
)

select
    amounts.measure_id,
    amounts.period,
    amounts.level,
    amounts.unit_id,
    coalesce(
        names.unit_name,
        case amounts.level
            when 'vardenhet' then {{ dbt.concat(['amounts.unit_id', "' (okänd enhet)'"]) }}
            when 'kommun' then {{ dbt.concat(['amounts.unit_id', "' (okänd kommun)'"]) }}
            else amounts.unit_id
        end
    ) as unit_name,
    cast(sum(amounts.amount) as double) as amount
from amounts
left join names
    on names.level = amounts.level
   and names.unit_id = amounts.unit_id
where amounts.unit_id is not null
group by amounts.measure_id, amounts.period, amounts.level, amounts.unit_id, names.unit_name
