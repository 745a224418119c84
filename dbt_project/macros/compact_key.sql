{#
  A fixed-width stand-in for a long key that is only compared for equality
  (distinct counts). On DuckDB a 128-bit MD5 number: 16 bytes instead of a
  64-character pseudonym, and a collision among even 10^9 keys has a
  probability below 10^-20. Other adapters keep the key as it is.
#}
{% macro compact_key(expr) -%}
    {{ return(adapter.dispatch('compact_key', 'naravard')(expr)) }}
{%- endmacro %}

{% macro default__compact_key(expr) -%}
    {{ expr }}
{%- endmacro %}

{% macro duckdb__compact_key(expr) -%}
    md5_number({{ expr }})
{%- endmacro %}
