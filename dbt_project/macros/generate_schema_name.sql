{#
  Use a model's custom schema as it is (staging, intermediate, marts, reference)
  instead of dbt's default "<target_schema>_<custom_schema>". The warehouse is
  one DuckDB file per environment, so there is nothing to keep apart by prefix,
  and the schema names are part of the contract (marts.indikatorer).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
