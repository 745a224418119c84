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

located as (
    select
        facts.measure_id,
        facts.period,
        facts.item_key,
        facts.amount,
        facts.hsa_id,
        coalesce(enheter.enhetsnamn, {{ dbt.concat(['facts.hsa_id', "' (okänd enhet)'"]) }}) as enhetsnamn,
        -- Health-centre facts: the registry's kommun (NULL for an unknown unit).
        case when facts.hsa_id is not null then enheter.kommunkod else facts.kommunkod end as kommunkod
    from facts
    left join enheter
        on enheter.hsa_id = facts.hsa_id
),

geo as (
    select
        located.*,
        coalesce(kommuner.kommun, {{ dbt.concat(['located.kommunkod', "' (okänd kommun)'"]) }}) as kommun,
        kommuner.lansdel,
        kommuner.regionkod,
        kommuner.region
    from located
    left join kommuner
        on kommuner.kommunkod = located.kommunkod
)

{#- level, unit_id column, unit_name column -#}
{%- set levels = [
    ('vardenhet', 'hsa_id', 'enhetsnamn'),
    ('kommun', 'kommunkod', 'kommun'),
    ('lansdel', 'lansdel', 'lansdel'),
    ('region', 'regionkod', 'region'),
] %}

{% for level, unit_id, unit_name in levels %}
select
    measure_id,
    period,
    '{{ level }}' as level,
    {{ unit_id }} as unit_id,
    {{ unit_name }} as unit_name,
    -- Each fact has either an amount or an item_key (see the models' tests).
    coalesce(sum(amount), 0) + count(distinct item_key) as amount
from geo
where {{ unit_id }} is not null
group by measure_id, period, {{ unit_id }}, {{ unit_name }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
