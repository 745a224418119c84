{#
  Period labels of the contract: 'YYYY-MM' for monthly, 'YYYY' for yearly
  indicators. Built from the ISO text form of a date, which DuckDB, Postgres,
  Snowflake and BigQuery all produce by default, so no strftime dialects.
#}
{% macro month_label(date_expr) -%}
    substr(cast({{ date_expr }} as {{ dbt.type_string() }}), 1, 7)
{%- endmacro %}

{% macro year_label(date_expr) -%}
    substr(cast({{ date_expr }} as {{ dbt.type_string() }}), 1, 4)
{%- endmacro %}

{# First day of a 'YYYY-MM' period label, as a DATE. #}
{% macro month_start(period_expr) -%}
    cast({{ dbt.concat([period_expr, "'-01'"]) }} as date)
{%- endmacro %}


{#
  DuckDB: one row per reporting month ('YYYY-MM') from the month of start_expr
  (a date) to the month period_expr names, both included (unnest in a select
  list: the months a window touches).
#}
{% macro months_up_to(start_expr, period_expr) -%}
    strftime(unnest(generate_series(
        cast({{ dbt.date_trunc('month', start_expr) }} as date),
        {{ month_start(period_expr) }},
        interval 1 month)), '%Y-%m')
{%- endmacro %}


{#
  How far deliveries cover a window of reporting months (the mångåkare
  windows of A, the 12-month visit windows of K4-K7): `touched` is a relation
  of (period, manad), one row per reporting month the window of period
  touches; `delivered` one of (period), the delivered months. Per period: the
  first month of its window, how many months it touches, how many of them
  were not delivered and which ('YYYY-MM, YYYY-MM', NULL when complete).
#}
{% macro window_coverage(touched, delivered) %}
    select
        touched.period,
        min(touched.manad) as forsta_manad,
        count(*) as manader_i_fonster,
        count(*) filter (where delivered.period is null) as antal_saknade,
        string_agg(case when delivered.period is null then touched.manad end, ', '
                   order by touched.manad) as saknade_manader
    from {{ touched }} as touched
    left join {{ delivered }} as delivered
        on delivered.period = touched.manad
    group by touched.period
{% endmacro %}
