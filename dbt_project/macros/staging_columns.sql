{#
  The columns every staging model carries, written once.

  person_columns(): the person of a row as ingestion delivers it (the pseudonym
  person_id, how the identifier was classified, the unified person_key of
  person_key(), and the two attributes derived from the identifier).
  lineage_columns(): where a row came from: its delivery month, file, line and
  load (raw's underscore columns, renamed for the layers above).
#}
{% macro person_columns() -%}
    person_id,
    person_id_class,
    {{ person_key() }} as person_key,
    birth_year,
    sex
{%- endmacro %}

{% macro lineage_columns() -%}
    _reporting_month as reporting_month,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id,
    _loaded_at as loaded_at
{%- endmacro %}
