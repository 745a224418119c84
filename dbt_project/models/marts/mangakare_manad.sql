-- Frequent ambulance users per published month, level (kommun and up) and
-- unit, wide: the numbers behind A1, A2 and A3, with the window they cover.
with measures as (
    {{ pivot_measures('mangakare') }}
)

select
    measures.period,
    fonster.fonster_start,
    fonster.fonster_slut,
    measures.level,
    measures.unit_id,
    measures.unit_name,
    measures.invanare,
    measures.antal_mangakare,
    measures.uppdrag_i_fonster,
    measures.uppdrag_av_mangakare,
    measures.mangakare_med_fast_lakarkontakt
from measures
inner join {{ ref('int_ambulans_fonster_filtered_to_complete') }} as fonster
    on fonster.period = measures.period
