{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='mangakare') }}
/*
  Mångåkare per published month, each attributed to one kommun.

  - Only identified persons (a person_id) can be mångåkare: an unidentified
    patient's assignments cannot be linked to each other.
  - A mångåkare has at least mangakare_min_uppdrag (4) assignments in the window.
  - The person is attributed to the kommun of their latest assignment in the
    window: latest larmtid, on a tie the greatest uppdrag_id (text order).
    Assignments without a kommunkod cannot place anyone, so the latest
    assignment *that has a kommunkod* decides (CONTRACTS.md section 3.1,
    rule 4). A person with none is kept with a NULL kommunkod and counted at
    region level only: regionkod is the region whose ambulance data the window
    holds (the regions of the window's assignments with a known kommunkod),
    NULL when that is not exactly one region (then the person is only in the
    finding DQ_MANGAKARE_UTAN_KOMMUN).
*/
with uppdrag as (
    select *
    from {{ ref('int_ambulans_uppdrag_joined_to_fonster') }}
    where person_id is not null
      and {{ in_rebuild('period') }}
),

counted as (
    select
        period,
        person_id,
        count(*) as antal_uppdrag
    from uppdrag
    group by period, person_id
    having count(*) >= {{ var('mangakare_min_uppdrag') }}
),

window_region as (
    select
        uppdrag.period,
        min(kommuner.regionkod) as regionkod
    from uppdrag
    inner join {{ ref('int_kommuner_mapped_to_region') }} as kommuner
        on kommuner.kommunkod = uppdrag.kommunkod
    group by uppdrag.period
    having count(distinct kommuner.regionkod) = 1
),

ranked as (
    select
        period,
        person_id,
        kommunkod,
        row_number() over (
            partition by period, person_id
            order by larmtid desc, uppdrag_id desc
        ) as recency_rank
    from uppdrag
    where kommunkod is not null
)

select
    counted.period,
    counted.person_id,
    counted.antal_uppdrag,
    ranked.kommunkod,
    -- only for a person without a kommun: the kommun's region comes through the roll-up
    case when ranked.kommunkod is null then window_region.regionkod end as regionkod
from counted
left join ranked
    on ranked.period = counted.period
    and ranked.person_id = counted.person_id
    and ranked.recency_rank = 1
left join window_region
    on window_region.period = counted.period
