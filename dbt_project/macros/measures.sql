{#
  The measure catalogue: every count or sum an indicator is built from, once.

  Each measure is produced at its base grain by one int_<subject>_measured
  model (per health centre, or per kommun for ambulance data), rolled up to
  all levels by int_measures_rolled_up, and pivoted into one column of the
  subject's wide mart by pivot_measures() below. marts.indikatorer then only
  divides columns of those marts.

  `requires` names the delivery a measure depends on (see
  int_periods_delivered): when it is missing for a period the measure is NULL
  (unknown), when it was delivered but a unit has nothing the measure is 0.
  That is what keeps K3 from reading 0 % coverage in a month whose physician
  file never arrived, or A3 from reading 0 when the listing is missing.
#}
{#
  The columns every int_<subject>_measured model ends with, in the one shape
  int_measures_unioned reads: the measure, the period, the place (a health
  centre, or a kommun and region for ambulance data) and either an item_key to
  count distinct at every level or an additive amount. Each argument is a SQL
  expression of the model's last CTE; what a model does not have is NULL.
#}
{% macro measure_columns(measure_id='measure_id', period='period', hsa_id='hsa_id', kommunkod='null',
                         regionkod='null', item_key='null', amount='null') %}
    {{ measure_id }} as measure_id,
    {{ period }} as period,
    cast({{ hsa_id }} as {{ dbt.type_string() }}) as hsa_id,
    cast({{ kommunkod }} as {{ dbt.type_string() }}) as kommunkod,
    cast({{ regionkod }} as {{ dbt.type_string() }}) as regionkod,
    cast({{ item_key }} as {{ dbt.type_string() }}) as item_key,
    cast({{ amount }} as double precision) as amount
{%- endmacro %}


{% macro measure_catalogue() %}
    {{ return([
        {'id': 'samtal_inkommande',              'subject': 'tillganglighet', 'requires': 'vardgaranti_telefoni',
         'description': 'Incoming calls and call-back requests during opening hours (Σ inkommande_samtal).'},
        {'id': 'samtal_besvarade_samma_dag',     'subject': 'tillganglighet', 'requires': 'vardgaranti_telefoni',
         'description': 'Of those, answered or called back the same day (Σ besvarade_samma_dag).'},
        {'id': 'kontakter_bedomda',              'subject': 'tillganglighet', 'requires': 'vardgaranti_bedomning',
         'description': 'Contacts with a registered bedomningsdatum, avvikelse PvV left out, by month of kontaktdatum.'},
        {'id': 'kontakter_bedomda_inom_3_dagar', 'subject': 'tillganglighet', 'requires': 'vardgaranti_bedomning',
         'description': 'Of those, assessed no later than kontaktdatum + 3 calendar days.'},

        {'id': 'antal_listade',               'subject': 'kontinuitet', 'requires': 'listning_listning',
         'description': 'Distinct persons listed in the month-end snapshot.'},
        {'id': 'listade_med_fast_lakarkontakt',  'subject': 'kontinuitet', 'requires': 'listning_listning',
         'description': 'Of those, distinct persons with a non-empty fast_lakarkontakt.'},
        {'id': 'fte_specialist_allmanmedicin',   'subject': 'kontinuitet', 'requires': 'listning_lakare',
         'description': 'Σ tjanstgoringsgrad of physicians with kategori specialist_allmanmedicin.'},
        {'id': 'fte_st_allmanmedicin',           'subject': 'kontinuitet', 'requires': 'listning_lakare',
         'description': 'Σ tjanstgoringsgrad of physicians with kategori st_allmanmedicin.'},

        {'id': 'listade_med_fast_vardkontakt',   'subject': 'kontinuitet', 'requires': 'listning_listning',
         'description': 'Of the listed, distinct persons with a non-empty fast_vardkontakt (K8).'},

        {'id': 'antal_minst_tva_lakarbesok',                   'subject': 'kontinuitet_besok', 'requires': 'besok_fonster',
         'description': 'Persons (attributed by the listing of the month) with at least 2 physician visits in the 12-month window.'},
        {'id': 'upc_summa',                      'subject': 'kontinuitet_besok', 'requires': 'besok_fonster',
         'description': 'Σ UPC of those persons: visits to their most-seen physician / their physician visits.'},
        {'id': 'coc_summa',                      'subject': 'kontinuitet_besok', 'requires': 'besok_fonster',
         'description': 'Σ COC (Bice-Boxerman) of those persons: (Σ n_j² - n) / (n (n - 1)).'},
        {'id': 'antal_minst_tva_lakarbesok_sabo',              'subject': 'kontinuitet_besok', 'requires': 'besok_fonster',
         'description': 'Of antal_minst_tva_lakarbesok, those living in SÄBO (sarskilt_boende = J) in the month''s listing.'},
        {'id': 'upc_summa_sabo',                 'subject': 'kontinuitet_besok', 'requires': 'besok_fonster',
         'description': 'Σ UPC of the SÄBO residents among them.'},
        {'id': 'lakarbesok_listade_med_fast_lakare', 'subject': 'kontinuitet_besok', 'requires': 'besok_besok',
         'description': 'Physician visits in the month by persons listed with a fast_lakarkontakt in the month''s listing.'},
        {'id': 'lakarbesok_hos_fast_lakare',     'subject': 'kontinuitet_besok', 'requires': 'besok_besok',
         'description': 'Of those, visits held by that named GP (personal_hsa_id = fast_lakarkontakt).'},

        {'id': 'invanare',                       'subject': 'mangakare', 'requires': 'mangakare_fonster',
         'description': 'Inhabitants (invanare_2023) of the kommuner of regions with ambulance data in the window.'},
        {'id': 'antal_mangakare',             'subject': 'mangakare', 'requires': 'mangakare_fonster',
         'description': 'Identified persons with at least mangakare_min_uppdrag assignments in the window, by the kommun of their latest assignment.'},
        {'id': 'uppdrag_i_fonster',              'subject': 'mangakare', 'requires': 'mangakare_fonster',
         'description': 'All assignments in the window (unidentified patients included), by the assignment''s kommunkod.'},
        {'id': 'uppdrag_av_mangakare',           'subject': 'mangakare', 'requires': 'mangakare_fonster',
         'description': 'Assignments in the window made by mångåkare, by the assignment''s kommunkod.'},
        {'id': 'mangakare_med_fast_lakarkontakt', 'subject': 'mangakare', 'requires': 'listning_listning',
         'description': 'Mångåkare (attributed as antal_mangakare) listed with a fast_lakarkontakt in the month''s listing snapshot.'},

        {'id': 'antal_inbjudna',          'subject': 'vhu', 'requires': 'vhu_inbjudan',
         'description': 'Distinct persons invited in the year, by the inviting health centre.'},
        {'id': 'antal_undersokta',        'subject': 'vhu', 'requires': 'vhu_undersokning',
         'description': 'Distinct persons examined in the year, by the examining health centre.'},
        {'id': 'antal_lag_aktivitet',     'subject': 'vhu', 'requires': 'vhu_undersokning',
         'description': 'Distinct persons with an examination in the year with fysisk_aktivitet_lag = J.'},
        {'id': 'antal_lag_aktivitet_med_far', 'subject': 'vhu', 'requires': 'vhu_undersokning',
         'description': 'Distinct persons with an examination in the year with fysisk_aktivitet_lag = J and far_forskriven = J.'},
    ]) }}
{% endmacro %}

{# The deliveries a period can have (columns has_<name> of int_periods_delivered). #}
{% macro delivery_names() %}
    {{ return(['vardgaranti_telefoni', 'vardgaranti_bedomning', 'listning_listning', 'listning_lakare',
               'ambulans_uppdrag', 'vhu_inbjudan', 'vhu_undersokning', 'mangakare_fonster',
               'besok_besok', 'besok_fonster']) }}
{% endmacro %}

{#
  One row per period, level and unit that has any measure of `subject`, one
  column per measure of the subject: NULL when the delivery the measure
  requires is missing for the period, else the rolled-up amount (0 if none).
#}
{% macro pivot_measures(subject) %}
    {%- set measures = measure_catalogue() | selectattr('subject', 'equalto', subject) | list -%}
    with rolled_up as (
        select *
        from {{ ref('int_measures_rolled_up') }}
        where measure_id in ({% for m in measures %}'{{ m.id }}'{% if not loop.last %}, {% endif %}{% endfor %})
    ),

    pivoted as (
        select
            period,
            level,
            unit_id,
            unit_name,
            {%- for m in measures %}
            sum(case when measure_id = '{{ m.id }}' then amount end) as {{ m.id }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from rolled_up
        group by period, level, unit_id, unit_name
    )

    select
        pivoted.period,
        pivoted.level,
        pivoted.unit_id,
        pivoted.unit_name,
        {%- for m in measures %}
        case when delivered.has_{{ m.requires }} then coalesce(pivoted.{{ m.id }}, 0) end as {{ m.id }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from pivoted
    left join {{ ref('int_periods_delivered') }} as delivered
        on delivered.period = pivoted.period
{% endmacro %}
