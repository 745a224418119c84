/*
  The one roll-up: every measure from the int_<subject>_measures models, from
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
    select * from {{ ref('int_tillganglighet_measures') }}
    union all
    select * from {{ ref('int_kontinuitet_measures') }}
    union all
    select * from {{ ref('int_mangakare_measures') }}
    union all
    select * from {{ ref('int_vhu_measures') }}
),

enheter as (
    select * from {{ ref('int_vardenheter_mapped_to_kommun') }}
),

kommuner as (
    select * from {{ ref('int_kommuner_mapped_to_region') }}
),

{#-
  Only codes travel through the aggregation; names are joined to the (few)
  result rows afterwards, and the 64-character person keys are replaced by a
  128-bit digest (compact_key). On a region's 24 months the wide version ran
  out of DuckDB's memory limit.
-#}
located as (
    select
        facts.measure_id,
        facts.period,
        {{ compact_key('facts.item_key') }} as item_key,
        facts.amount,
        facts.hsa_id,
        -- Health-centre facts: the registry's kommun (NULL for an unknown unit).
        case when facts.hsa_id is not null then enheter.kommunkod else facts.kommunkod end as kommunkod,
        kommuner.lansdel,
        kommuner.regionkod
    from facts
    left join enheter
        on enheter.hsa_id = facts.hsa_id
    left join kommuner
        on kommuner.kommunkod = (case when facts.hsa_id is not null then enheter.kommunkod else facts.kommunkod end)
),

{#- level, unit_id column -#}
{%- set levels = [('vardenhet', 'hsa_id'), ('kommun', 'kommunkod'), ('lansdel', 'lansdel'), ('region', 'regionkod')] %}

{#-
  Distinct persons are counted in two steps (select distinct, then count)
  rather than count(distinct ...) per group, which keeps a hash set per group
  in memory; a plain distinct can spill to disk.
-#}
amounts as (
{% for level, unit_id in levels %}
    select measure_id, period, '{{ level }}' as level, {{ unit_id }} as unit_id, sum(amount) as amount
    from located
    where {{ unit_id }} is not null and item_key is null
    group by measure_id, period, {{ unit_id }}

    union all

    select measure_id, period, '{{ level }}' as level, unit_id, count(*) as amount
    from (
        select distinct measure_id, period, {{ unit_id }} as unit_id, item_key
        from located
        where {{ unit_id }} is not null and item_key is not null
    ) as persons
    group by measure_id, period, unit_id
    {% if not loop.last %}union all{% endif %}
{% endfor %}
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
    sum(amounts.amount) as amount
from amounts
left join names
    on names.level = amounts.level
   and names.unit_id = amounts.unit_id
group by amounts.measure_id, amounts.period, amounts.level, amounts.unit_id, names.unit_name
