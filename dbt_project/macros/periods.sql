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
