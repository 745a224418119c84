/*
  The indicator mart of CONTRACTS.md section 3: long format, one row per
  indicator, period, level and unit that has data.

  Every count behind an indicator comes from a domain mart (the wide form of
  the same measures), so the two can never disagree; this model only states
  which columns divide, the scale, the target and the disclosure rule:

  - no row when the denominator is 0 or unknown (NULL: delivery missing), nor
    when the numerator is unknown;
  - disclosure control counts people (CONTRACTS.md section 3.1): the seed
    rojandekontroll declares, per indicator, which count it protects (its
    numerator or its denominator: calls, contacts, listed persons,
    assignments, mångåkare, invited or examined persons, never FTE or
    inhabitants); suppressed = that count is 1 .. var('suppression_threshold') - 1. A
    suppressed row publishes neither value nor numerator (a small numerator
    can identify a person just as well as the value); it keeps its
    denominator, so a reader sees why, unless the seed says the denominator
    is hidden too (A3, whose denominator is A1's hidden count).
*/
{%- set riktvarde_specialist = var('riktvarde_per_specialist') -%}
{%- set riktvarde_st = var('riktvarde_per_st') -%}
{%- set indicators = [
    {'id': 'T1_TELEFON_SAMMA_DAG', 'mart': 'tillganglighet_manad',
     'numerator': 'samtal_besvarade_samma_dag', 'denominator': 'samtal_inkommande', 'target': 1.0},
    {'id': 'T2_BEDOMNING_3_DAGAR', 'mart': 'tillganglighet_manad',
     'numerator': 'kontakter_bedomda_inom_3_dagar', 'denominator': 'kontakter_bedomda', 'target': 1.0},
    {'id': 'K1_FAST_LAKARKONTAKT', 'mart': 'kontinuitet_manad',
     'numerator': 'listade_med_fast_lakarkontakt', 'denominator': 'antal_listade', 'target': 0.55},
    {'id': 'K2_LISTADE_PER_SPECIALIST', 'mart': 'kontinuitet_manad',
     'numerator': 'antal_listade', 'denominator': 'fte_specialist_allmanmedicin', 'target': riktvarde_specialist},
    {'id': 'K3_RIKTVARDE_TACKNING', 'mart': 'kontinuitet_manad',
     'numerator': riktvarde_specialist ~ ' * fte_specialist_allmanmedicin + ' ~ riktvarde_st ~ ' * fte_st_allmanmedicin',
     'denominator': 'antal_listade', 'target': 1.0},
    {'id': 'K4_KONTINUITET_UPC', 'mart': 'kontinuitet_besok_manad',
     'numerator': 'upc_summa', 'denominator': 'antal_minst_tva_lakarbesok'},
    {'id': 'K5_KONTINUITET_COC', 'mart': 'kontinuitet_besok_manad',
     'numerator': 'coc_summa', 'denominator': 'antal_minst_tva_lakarbesok'},
    {'id': 'K6_BESOK_HOS_FAST_LAKARE', 'mart': 'kontinuitet_besok_manad',
     'numerator': 'lakarbesok_hos_fast_lakare', 'denominator': 'lakarbesok_listade_med_fast_lakare'},
    {'id': 'K7_KONTINUITET_UPC_SABO', 'mart': 'kontinuitet_besok_manad',
     'numerator': 'upc_summa_sabo', 'denominator': 'antal_minst_tva_lakarbesok_sabo'},
    {'id': 'K8_FAST_VARDKONTAKT', 'mart': 'kontinuitet_manad',
     'numerator': 'listade_med_fast_vardkontakt', 'denominator': 'antal_listade'},
    {'id': 'A1_MANGAKARE_PER_1000', 'mart': 'mangakare_manad',
     'numerator': 'antal_mangakare', 'denominator': 'invanare', 'scale': 1000},
    {'id': 'A2_MANGAKARE_ANDEL_UPPDRAG', 'mart': 'mangakare_manad',
     'numerator': 'uppdrag_av_mangakare', 'denominator': 'uppdrag_i_fonster'},
    {'id': 'A3_MANGAKARE_MED_FAST_LAKARE', 'mart': 'mangakare_manad',
     'numerator': 'mangakare_med_fast_lakarkontakt', 'denominator': 'antal_mangakare', 'target': 0.55},
    {'id': 'V1_VHU_DELTAGANDE', 'mart': 'vhu_ar',
     'numerator': 'antal_undersokta', 'denominator': 'antal_inbjudna'},
    {'id': 'V2_VHU_FAR_VID_LAG_AKTIVITET', 'mart': 'vhu_ar',
     'numerator': 'antal_lag_aktivitet_med_far', 'denominator': 'antal_lag_aktivitet'},
] %}

with ratios as (
    {%- for ind in indicators %}
    select
        '{{ ind.id }}' as indicator_id,
        period,
        level,
        unit_id,
        unit_name,
        {{ ind.numerator }} as numerator,
        {{ ind.denominator }} as denominator,
        cast({{ ind.get('scale', 1) }} as double precision) as scale,
        cast({{ ind.get('target', 'null') }} as double precision) as target
    from {{ ref(ind.mart) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

rule as (
    select * from {{ ref('rojandekontroll') }}
),

published as (
    select
        ratios.*,
        case rule.protects
            when 'numerator' then ratios.numerator
            when 'denominator' then ratios.denominator
        end as protected_count,
        rule.hide_denominator
    from ratios
    left join rule
        on rule.indicator_id = ratios.indicator_id
    where ratios.denominator > 0
      and ratios.numerator is not null
),

flagged as (
    -- 1 .. threshold - 1 is suppressed; 0 is shown (nobody to identify, and the wide marts show 0 too).
    -- NULL for an indicator the seed does not declare: the NOT NULL contract then fails the build.
    select
        *,
        protected_count > 0 and protected_count < {{ var('suppression_threshold') }} as suppressed
    from published
)

select
    cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
    cast(period as {{ dbt.type_string() }}) as period,
    cast(level as {{ dbt.type_string() }}) as level,
    cast(unit_id as {{ dbt.type_string() }}) as unit_id,
    cast(unit_name as {{ dbt.type_string() }}) as unit_name,
    cast(case when suppressed then null else numerator end as double precision) as numerator,
    cast(case when suppressed and hide_denominator then null else denominator end as double precision) as denominator,
    cast(case when suppressed then null else numerator / denominator * scale end as double precision) as value,
    cast(target as double precision) as target,
    cast(suppressed as boolean) as suppressed
from flagged
