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
{#-
  DuckDB keeps a CTE that is read more than once as a table in memory unless
  told otherwise: facts (14 million rows) and numbered are cheaper to read
  again than to hold, persons (the one large aggregation) is computed once.
  Holding all three filled the 4 GB limit and spilled; the hints took the
  roll-up from 14 s to 7 s on a national month. `[not] materialized` is
  PostgreSQL's syntax, which DuckDB shares.
-#}
with facts as not materialized (
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
  Counting distinct persons is the expensive part: 14 million facts on a
  national month. DuckDB hashes group keys, and strings (measure, month,
  HSA-id) cost several times what integers do: the same distinct count grouped
  by strings took 5.6 s, by integers 2.8 s. So the facts travel as three
  numbers: a slice (measure and period), a place (the health centre or kommun
  with its länsdel and region) and the person key (a 128-bit digest,
  compact_key in int_measures_unioned). Names and codes are joined back to the
  few thousand result rows.

  A person is counted once per unit at every level. Almost every person has
  one fact per slice (one place): for them the count at every level is the
  number of such persons per place, summed up the levels. Only the persons with
  several facts in a slice (listed at two health centres, say) are counted
  distinct at each level, and there are few. Counting all persons distinct at
  four levels (grouping sets over the facts) took 30 s on a national month;
  this takes 7 s, with the same rows and values (docs/decisions.md, "The
  roll-up counts by numbers"). The baseline of `naravard bench` uses the same plan.
-#}
slices as (
    select measure_id, period, row_number() over (order by measure_id, period) as slice_id
    from (select distinct measure_id, period from facts) as s
),

{#-
  Where a fact counts, by what it names: a health centre's facts go to the
  registry's kommun (NULL for an unknown unit), other facts to their kommunkod;
  a kommun to its länsdel and region; a fact without a kommun may still name its
  region (a mångåkare with no kommunkod).
-#}
places as (
    select
        named.hsa_id,
        named.kommunkod as fact_kommunkod,
        named.regionkod as fact_regionkod,
        case when named.hsa_id is not null then enheter.kommunkod else named.kommunkod end as kommunkod,
        kommuner.lansdel,
        coalesce(kommuner.regionkod, named.regionkod) as regionkod,
        row_number() over (order by named.hsa_id, named.kommunkod, named.regionkod) as place_id
    from (select distinct hsa_id, kommunkod, regionkod from facts) as named
    left join enheter
        on enheter.hsa_id = named.hsa_id
    left join kommuner
        on kommuner.kommunkod = (case when named.hsa_id is not null then enheter.kommunkod else named.kommunkod end)
),

numbered as not materialized (
    select slices.slice_id, places.place_id, facts.item_key, facts.amount
    from facts
    inner join slices
        on slices.measure_id = facts.measure_id
       and slices.period = facts.period
    inner join places
        on places.hsa_id is not distinct from facts.hsa_id
       and places.fact_kommunkod is not distinct from facts.kommunkod
       and places.fact_regionkod is not distinct from facts.regionkod
),

persons as materialized (
    select slice_id, item_key, count(*) as facts, min(place_id) as place_id
    from numbered
    where item_key is not null
    group by slice_id, item_key
),

{#- Per slice and place: persons with one fact (counted), persons with several (their facts), sums. -#}
per_place as (
    select slice_id, place_id, null as item_key, count(*) as persons, cast(null as decimal(38, 6)) as summed
    from persons
    where facts = 1
    group by slice_id, place_id

    union all

    select numbered.slice_id, numbered.place_id, numbered.item_key, 0, null
    from numbered
    inner join persons
        on persons.slice_id = numbered.slice_id
       and persons.item_key = numbered.item_key
    where persons.facts > 1

    union all

    -- decimal, so the sum does not depend on the order of the rows (FTE have 6 places)
    select slice_id, place_id, null, 0, sum(cast(amount as decimal(38, 6)))
    from numbered
    where item_key is null
    group by slice_id, place_id
),

{#-
  All four levels in one pass with grouping sets (standard SQL: DuckDB, Spark
  and Trino have them), now over a few thousand rows.
  grouping(hsa_id, kommunkod, lansdel, regionkod) is 7, 11, 13 and 14 for the
  vardenhet, kommun, länsdel and region sets (a 1 bit for each column rolled away).
-#}
grouped as (
    select
        per_place.slice_id,
        places.hsa_id,
        places.kommunkod,
        places.lansdel,
        places.regionkod,
        grouping(places.hsa_id, places.kommunkod, places.lansdel, places.regionkod) as set_id,
        sum(per_place.persons) + count(per_place.item_key) as keyed_facts,
        sum(per_place.persons) + count(distinct per_place.item_key) as persons,
        sum(per_place.summed) as summed
    from per_place
    inner join places
        on places.place_id = per_place.place_id
    group by grouping sets (
        (per_place.slice_id, places.hsa_id),
        (per_place.slice_id, places.kommunkod),
        (per_place.slice_id, places.lansdel),
        (per_place.slice_id, places.regionkod)
    )
),

amounts as (
    select
        slices.measure_id,
        slices.period,
        case set_id when 7 then 'vardenhet' when 11 then 'kommun' when 13 then 'lansdel' else 'region' end as level,
        case set_id when 7 then hsa_id when 11 then kommunkod when 13 then lansdel else regionkod end as unit_id,
        -- a measure is either additive (no key) or counts persons (a key on every fact)
        case when keyed_facts > 0 then persons + coalesce(summed, 0) else summed end as amount
    from grouped
    inner join slices
        on slices.slice_id = grouped.slice_id
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
