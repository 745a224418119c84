{#
  The unified person key used for every distinct-person count.

  Identified persons (personnummer or samordningsnummer) carry their
  pseudonym, person_id, and are the same person in every source and month.
  Unidentified persons (blank, reservnummer, bad check digit) have no
  person_id: each of their rows is a distinct individual that never links to
  any other row. Keying them by file and line gives exactly that: counted,
  never merged (CONTRACTS.md section 2).
#}
{% macro person_key(person_id='person_id', source_file='_source_file', source_line='_source_line') -%}
    coalesce(
        {{ person_id }},
        {{ dbt.concat(["'unidentified:'", source_file, "':'", "cast(" ~ source_line ~ " as " ~ dbt.type_string() ~ ")"]) }}
    )
{%- endmacro %}
