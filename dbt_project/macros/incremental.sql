{#
  Incremental models: a new month costs the month, not the history (issue 15;
  orchestration/incremental.py keeps the state these macros read).

  A model that grows with history is configured

      config(materialized='incremental', incremental_strategy='replace_periods', rebuild='<domain>')

  filters its inputs with {{ in_rebuild('<period expression>') }} and, on an
  incremental run, replaces exactly the periods of its domain that changed:
  every row of those periods is deleted and the periods are built anew from raw
  (a period emptied by a correction ends up with no rows, which delete+insert by
  key would miss). On the first build and with --full-refresh the filter is
  `true` and the table is built whole.

  A changed month is an (extract, month) whose load in raw._current_loads
  differs from the one recorded after the last successful build
  (raw._dbt_built_loads): new, corrected or gone. The domains say what such a
  month touches:

  - tillganglighet   the months of changed vårdgaranti files (T1, T2: every
                     date of a file lies in its month, so period = delivery month);
  - kontinuitet      the months of changed listing or physician files (K1-K3);
  - listning         the months of changed listing files (persons per month);
  - mangakare        every month whose mångåkare window (var mangakare_fonster_dagar,
                     ending on the month's last day) touches a changed ambulance
                     month, and the months of changed listing files (A3 joins the
                     month's listing);
  - vhu              the years of changed VHU files (V1, V2 count persons per year);
  - any_month        every changed month, of any extract;
  - kontinuitet_besok  every month whose twelve reporting months hold a changed
                     visit month, and the months of changed listing files (K4-K7
                     attribute persons by the month's listing; K6 is the month);
  - besok_manad      the months of changed visit, listing or physician files
                     (the visit findings compare a month's visits with them);
  - measures         the union and the roll-up of the measures: each measure's
                     rows are replaced for the periods of its own subject's domain
                     (the catalogue in macros/measures.sql names the subject), so a
                     corrected ambulance month rebuilds the A measures of the twelve
                     windows that hold it, not every listed person of those months.

  The list is read from raw when the model runs, not passed as --vars: vars
  that change every run would make dbt parse the whole project every run.
#}

{% macro rebuild_periods_sql(domain) -%}
    {%- set days = var('mangakare_fonster_dagar') | int -%}
    with changed as (
        select coalesce(c.extract, b.extract) as extract,
               coalesce(c.reporting_month, b.reporting_month) as month
        from raw._current_loads as c
        full outer join raw._dbt_built_loads as b
            on b.extract = c.extract and b.reporting_month = c.reporting_month
        where c.load_id is distinct from b.load_id
    ),
    by_domain as (
        select 'tillganglighet' as domain, month as period from changed
        where extract in ('vardgaranti_telefoni', 'vardgaranti_bedomning')
        union
        select 'kontinuitet', month from changed where extract in ('listning_listning', 'listning_lakare')
        union
        select 'listning', month from changed where extract = 'listning_listning'
        union
        select 'mangakare', month from changed where extract = 'listning_listning'
        union
        -- the months p whose window (last_day(p) - (days - 1) .. last_day(p)) touches month c
        select 'mangakare', strftime(p.month_start, '%Y-%m')
        from (
            select cast(strptime(changed.month || '-01', '%Y-%m-%d') as date) as c_start,
                   cast(strptime(changed.month || '-01', '%Y-%m-%d') as date)
                       + to_months(cast(steps.i as integer)) as month_start
            from changed
            cross join (select unnest(generate_series(0, {{ (days // 28) + 1 }})) as i) as steps
            where changed.extract = 'ambulans_uppdrag'
        ) as p
        where cast(last_day(p.month_start) - interval {{ days - 1 }} day as date) <= last_day(p.c_start)
        union
        select 'vhu', substr(month, 1, 4) from changed where extract in ('vhu_inbjudan', 'vhu_undersokning')
        union
        -- K4-K7: the months p whose twelve reporting months (p - 11 .. p) hold a changed visit
        -- month, and the months of changed listings (persons are attributed by p's listing)
        select 'kontinuitet_besok', strftime(cast(strptime(changed.month || '-01', '%Y-%m-%d') as date)
                                             + to_months(cast(steps.i as integer)), '%Y-%m')
        from changed
        cross join (select unnest(generate_series(0, 11)) as i) as steps
        where changed.extract = 'besok_besok'
        union
        select 'kontinuitet_besok', month from changed where extract = 'listning_listning'
        union
        -- the visit findings of a month: its visits, listing and physician file
        select 'besok_manad', month from changed
        where extract in ('besok_besok', 'listning_listning', 'listning_lakare')
        union
        select 'any_month', month from changed
    )
    select distinct period
    from by_domain
    where domain = '{{ domain }}'
      and period is not null
    order by period
{%- endmacro %}


{# The periods a model of `domain` rebuilds (a list of 'YYYY-MM' / 'YYYY'; none = all of them). #}
{% macro rebuild_periods(domain, database) %}
    {%- set known = ['tillganglighet', 'kontinuitet', 'listning', 'mangakare', 'vhu', 'any_month',
                     'kontinuitet_besok', 'besok_manad'] -%}
    {%- if domain not in known -%}
        {#- a subject of the measure catalogue, or a model's rebuild=, without a rule here would never be rebuilt -#}
        {{ exceptions.raise_compiler_error("no rebuild rule for '" ~ domain ~ "' in macros/incremental.sql") }}
    {%- endif -%}
    {#- Without naravard's record (a `dbt build` or `dbt docs generate` straight on a warehouse built
        before it existed) nothing is known to be unchanged: every period (none = no filter). -#}
    {%- for name in ('_dbt_built_loads', '_current_loads') -%}
        {%- if adapter.get_relation(database=database, schema='raw', identifier=name) is none -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set result = run_query(rebuild_periods_sql(domain)) -%}
    {{ return(result.columns[0].values() | list) }}
{% endmacro %}


{# `expr in (<periods>)`, `false` for none at all, `true` for all (none). #}
{% macro period_list_filter(expr, periods) -%}
    {%- if periods is none -%}
        true
    {%- elif periods | length == 0 -%}
        false
    {%- else -%}
        {{ expr }} in ({% for p in periods %}'{{ p }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}


{#
  For the models over all measures (rebuild='measures'): the rows of each
  subject's measures in the periods of that subject's domain.
#}
{% macro measures_rebuild_filter(expr, database) -%}
    {%- set subjects = measure_catalogue() | map(attribute='subject') | unique | list -%}
    {%- set parts = [] -%}
    {%- for subject in subjects -%}
        {%- set periods = rebuild_periods(subject, database) -%}
        {%- if periods is none -%}
            {{ return('true') }}
        {%- endif -%}
        {%- if periods | length > 0 -%}
            {%- set ids = measure_catalogue() | selectattr('subject', 'equalto', subject) | map(attribute='id') | list -%}
            {%- do parts.append("(measure_id in ('" ~ ids | join("', '") ~ "') and " ~ period_list_filter(expr, periods) ~ ")") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('(' ~ parts | join(' or ') ~ ')' if parts else 'false') }}
{%- endmacro %}


{#
  The running model's filter on its inputs: `true` when the table is built
  whole, else `<expr> in (<the periods to rebuild>)` (a literal list, so DuckDB
  skips the row groups of other months), `false` when nothing changed.
#}
{% macro in_rebuild(expr) -%}
    {#- A dbt unit test has no relation (`this` is none): it tests the whole build. -#}
    {%- if execute and this is not none and is_incremental() -%}
        {%- set domain = config.get('rebuild') -%}
        {%- if domain is none -%}
            {{ exceptions.raise_compiler_error("model " ~ this ~ " is incremental by period but has no config rebuild=<domain>") }}
        {%- endif -%}
        {%- if domain == 'measures' -%}
            {{ measures_rebuild_filter(expr, this.database) }}
        {%- else -%}
            {{ period_list_filter(expr, rebuild_periods(domain, this.database)) }}
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#
  incremental_strategy='replace_periods': delete the rebuilt periods, insert
  the new rows (which the model's in_rebuild filter limited to those periods).
#}
{% macro get_incremental_replace_periods_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ target }} where {{ in_rebuild('period') }};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{% endmacro %}


{#
  The data tests of an incremental model check the periods this build rebuilt:
  the others were checked when they were built and have not changed since. (On a
  national history a uniqueness test over 24 months of listed persons cost more
  than building the new month.) Likewise the tests of a staging view (config
  `test_changed_months`: its month column, set for the staging folder in
  dbt_project.yml) check the rows of the months whose deliveries changed: the
  rows of the other months are the rows those tests passed on before, read by
  the same view (a changed view changes the project's fingerprint, and the
  build is then a full refresh that tests everything). Overrides dbt's global
  get_where_subquery; a test's own `where` config still applies. Full
  refreshes and the other models are tested whole.
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set parent = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- set domain = parent.config.get('rebuild') if parent is not none else none -%}
    {%- set month_column = parent.config.get('test_changed_months') if parent is not none else none -%}
    {%- set conditions = [] -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- if execute and domain == 'measures' and not flags.FULL_REFRESH -%}
        {%- do conditions.append(measures_rebuild_filter('period', relation.database)) -%}
    {%- elif execute and domain and not flags.FULL_REFRESH -%}
        {%- do conditions.append(period_list_filter('period', rebuild_periods(domain, relation.database))) -%}
    {%- elif execute and month_column and not flags.FULL_REFRESH -%}
        {%- do conditions.append(period_list_filter(month_column, rebuild_periods('any_month', relation.database))) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
