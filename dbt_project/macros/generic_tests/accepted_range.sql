{#
  Every non-null value of the column lies within [min_value, max_value]
  (either bound may be left out; inclusive=false makes both bounds strict).
  Use the test's `where` config to restrict it to some rows.
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- set ge = '>=' if inclusive else '>' -%}
    {%- set le = '<=' if inclusive else '<' -%}
    select *
    from {{ model }}
    where {{ column_name }} is not null
      and not (
          1 = 1
          {%- if min_value is not none %} and {{ column_name }} {{ ge }} {{ min_value }}{% endif %}
          {%- if max_value is not none %} and {{ column_name }} {{ le }} {{ max_value }}{% endif %}
      )
{% endtest %}
