{#
  The shape every int_<subject>_measured model promises int_measures_unioned
  (macros/measures.sql, measure_columns): a measure and a period on every row;
  either an item_key to count or an amount to sum, never both or neither; and
  either a health centre or a kommun as the base unit, never both or neither.
  Rows returned break the shape.
#}
{% test measure_shape(model) %}
    select *
    from {{ model }}
    where measure_id is null
       or period is null
       or (item_key is null) = (amount is null)
       or (hsa_id is null) = (kommunkod is null)
{% endtest %}
