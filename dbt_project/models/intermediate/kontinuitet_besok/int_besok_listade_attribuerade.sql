{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='listning') }}
/*
  Who is attributed where, per month-end listing snapshot: one row per
  identified person (only a pseudonym can link a visit to a listing) with the
  one health centre the visit indicators attribute them to, their named GP and
  whether they live in SÄBO.

  A person listed at two units in one snapshot (a listing error, or a move
  registered twice) is attributed to one of them: the latest listningsdatum,
  on a tie the smallest HSA-id. K4, K5 and K7 sum a per-person index (Σ UPC),
  which the roll-up can only sum, so each person must sit at exactly one unit
  or the kommun would count their index twice (docs/decisions.md).
*/
select
    reporting_month as period,
    person_key,
    hsa_id,
    upper(fast_lakarkontakt) as fast_lakarkontakt,
    coalesce(sarskilt_boende, false) as is_sabo
from {{ ref('stg_listning__listningar') }}
where person_id is not null
  and {{ in_rebuild('reporting_month') }}
qualify row_number() over (
    partition by reporting_month, person_key
    order by listningsdatum desc nulls last, hsa_id, upper(fast_lakarkontakt) nulls last,
             sarskilt_boende desc nulls last
) = 1
