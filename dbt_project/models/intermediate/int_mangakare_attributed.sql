/*
  Mångåkare per published month, each attributed to one kommun.

  - Only identified persons (a person_id) can be mångåkare: an unidentified
    patient's assignments cannot be linked to each other.
  - A mångåkare has at least mangakare_min_uppdrag (4) assignments in the window.
  - The person is attributed to the kommun of their latest assignment in the
    window: latest larmtid, on a tie the greatest uppdrag_id (text order).
    Assignments without a kommunkod cannot place anyone, so the latest
    assignment *that has a kommunkod* decides; a person with none is kept
    with a NULL kommunkod and counted at no level.
*/
with uppdrag as (
    select *
    from {{ ref('int_ambulans_uppdrag_joined_to_fonster') }}
    where person_id is not null
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
    ranked.kommunkod
from counted
left join ranked
    on ranked.period = counted.period
    and ranked.person_id = counted.person_id
    and ranked.recency_rank = 1
