{#
  Numbers in the Swedish messages of marts.dq_findings: a share as a
  percentage with one decimal and a decimal comma ("12,5 %"), a count as a
  plain integer. DuckDB's format() (the warehouse is DuckDB).
#}
{% macro dq_procent(share_expr) -%}
    (replace(format('{:.1f}', 100.0 * ({{ share_expr }})), '.', ',') || ' %')
{%- endmacro %}

{% macro dq_antal(count_expr) -%}
    cast(cast({{ count_expr }} as bigint) as varchar)
{%- endmacro %}
