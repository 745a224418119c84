/*
  Data-quality findings (CONTRACTS.md section 5): one row per check, source,
  period and unit, so a BI tool can show the gaps beside marts.indikatorer.
  Each check is one model in intermediate/dq/ (rules, thresholds and messages
  are documented there and in docs/data_quality.md); this mart only stacks them
  in the contract's column order.
*/
{%- set checks = [
    'int_dq_findings_fast_lakarkontakt',
    'int_dq_findings_sabo',
    'int_dq_findings_bedomningsdatum',
    'int_dq_findings_leverans_vardgaranti',
    'int_dq_findings_filer',
    'int_dq_findings_ambulans_oidentifierade',
    'int_dq_findings_ambulans_fonster',
    'int_dq_findings_vhu_ar',
    'int_dq_findings_mangakare_utan_kommun',
    'int_dq_findings_far',
    'int_dq_findings_okanda_koder',
    'int_dq_findings_landning',
    'int_dq_findings_tom_manad',
    'int_dq_findings_sommartid',
    'int_dq_findings_besok',
] %}

{% for model in checks %}
select
    cast(check_id as {{ dbt.type_string() }}) as check_id,
    cast(source as {{ dbt.type_string() }}) as source,
    cast(period as {{ dbt.type_string() }}) as period,
    cast(level as {{ dbt.type_string() }}) as level,
    cast(unit_id as {{ dbt.type_string() }}) as unit_id,
    cast(severity as {{ dbt.type_string() }}) as severity,
    cast(affected as double precision) as affected,
    cast(share as double precision) as share,
    cast(message as {{ dbt.type_string() }}) as message
from {{ ref(model) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
