/*
  DQ_FAST_LAKARKONTAKT_SAKNAS (WARN, listning, vardenhet): a health centre whose
  share of listed persons with a registered fast läkarkontakt is zero, or falls
  sharply from its previous delivered month. The registration is wholly manual
  (CONTRACTS.md 2.3), so a zero or a sudden fall is a registration gap, not care.

  Judged only with at least var dq_flk_min_listade listed persons outside SÄBO
  (10). "Falls sharply": the share drops to (1 - dq_flk_fall_andel) of the
  previous month's share or below (0.5: halved) AND at least
  dq_flk_fall_min_personer (5) fewer persons have one, so a small unit's
  ordinary turnover is not a finding.

  affected = listed persons outside SÄBO without a fast läkarkontakt;
  share = affected / listed persons outside SÄBO.
*/
with per_enhet as (
    select
        *,
        lag(period) over (partition by hsa_id order by period) as foreg_period,
        lag(med_fast_lakarkontakt) over (partition by hsa_id order by period) as foreg_med,
        lag(listade) over (partition by hsa_id order by period) as foreg_listade
    from {{ ref('int_dq_listning_counted_per_enhet') }}
),

bedomda as (
    select
        *,
        cast(med_fast_lakarkontakt as double) / listade as andel,
        cast(foreg_med as double) / nullif(foreg_listade, 0) as foreg_andel
    from per_enhet
    where listade_utom_sabo >= {{ var('dq_flk_min_listade') }}
),

fynd as (
    select
        *,
        case
            when med_fast_lakarkontakt = 0 then 'noll'
            when foreg_med > 0
                and andel <= (1 - {{ var('dq_flk_fall_andel') }}) * foreg_andel
                and foreg_med - med_fast_lakarkontakt >= {{ var('dq_flk_fall_min_personer') }} then 'fall'
        end as slag
    from bedomda
)

select
    'DQ_FAST_LAKARKONTAKT_SAKNAS' as check_id,
    'listning' as source,
    period,
    'vardenhet' as level,
    hsa_id as unit_id,
    'WARN' as severity,
    cast(utan_fast_lakarkontakt_utom_sabo as double) as affected,
    cast(utan_fast_lakarkontakt_utom_sabo as double) / listade_utom_sabo as share,
    case slag
        when 'noll' then
            'Ingen av de ' || {{ dq_antal('listade_utom_sabo') }} || ' listade (utom SÄBO) har en registrerad '
            || 'fast läkarkontakt i ' || period || '. Registreringen görs för hand i listningssystemet: '
            || 'kontrollera att enheten registrerar fast läkarkontakt, annars blir K1 noll för enheten.'
        else
            'Andelen listade med registrerad fast läkarkontakt föll från ' || {{ dq_procent('foreg_andel') }}
            || ' (' || foreg_period || ') till ' || {{ dq_procent('andel') }} || ' (' || period || '): '
            || {{ dq_antal('foreg_med - med_fast_lakarkontakt') }} || ' färre personer har en. '
            || 'Kontrollera om registreringar har tagits bort eller inte förts över (t.ex. vid läkarbyte '
            || 'eller systembyte) innan K1 tolkas.'
    end as message
from fynd
where slag is not null
