{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='measures') }}
/*
  Every measure of the int_<subject>_measured models in one table, the input
  of the roll-up (int_measures_rolled_up).

  A table of its own, not a CTE of the roll-up: DuckDB's grouping-set
  aggregation over a UNION ALL of the four models ran out of its 4 GB on a
  national month, while the same aggregation over one table fits (measured,
  docs/benchmarks.md). Writing the 11.5 million rows costs a few seconds.

  Person keys are stored compact (compact_key: a 128-bit digest instead of the
  64-character pseudonym) here, where they enter the roll-up's path: the
  table is a quarter of the width to write and read, and the roll-up groups
  16-byte keys. The baseline of `naravard bench` keys its facts the same way.
*/
{%- set subjects = ['int_tillganglighet_measured', 'int_kontinuitet_measured', 'int_mangakare_measured',
                    'int_vhu_measured', 'int_kontinuitet_vardkontakt_measured',
                    'int_besok_kontinuitet_measured'] %}
{% for model in subjects %}
select measure_id, period, hsa_id, kommunkod, regionkod, {{ compact_key('item_key') }} as item_key, amount
from {{ ref(model) }}
where {{ in_rebuild('period') }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
