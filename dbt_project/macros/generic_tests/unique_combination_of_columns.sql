{#
  No row shares the same values in all of `combination_of_columns` with another
  row (a composite key). Written here because dbt_utils cannot be installed
  offline; same name and argument as dbt_utils' test.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns_csv = combination_of_columns | join(', ') -%}
    select {{ columns_csv }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1
{% endtest %}
