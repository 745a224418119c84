/*
  marts.indikatorer follows the disclosure rule of the seed rojandekontroll
  (CONTRACTS.md section 3.1). Returns the rows that break it:
  - an indicator the seed does not declare;
  - a row protected by its denominator whose `suppressed` is not
    (denominator < threshold), wherever the denominator is shown;
  - a published row whose protected count is from 1 to threshold - 1 (0 is shown);
  - a suppressed row that shows its value or numerator, or its denominator
    where the seed hides it; a hidden denominator on any other row.
  (A suppressed row protected by its numerator cannot be checked here, the
  count being hidden: the unit tests of indikatorer cover it.)
*/
{#- It reads the seed too: meta.dagster.ref attaches it to indikatorer as that asset's check
    (a singular test with two parents is otherwise left unattached, with a warning per run). #}
{{ config(meta={'dagster': {'ref': {'name': 'indikatorer'}}}) }}
{%- set n = var('suppression_threshold') %}
with checked as (
    select
        i.*,
        r.indicator_id is null as undeclared,
        r.protects,
        r.hide_denominator,
        case r.protects when 'numerator' then i.numerator else i.denominator end as protected_count
    from {{ ref('indikatorer') }} as i
    left join {{ ref('rojandekontroll') }} as r
        on r.indicator_id = i.indicator_id
)

select *
from checked
where undeclared
   or (protects = 'denominator' and denominator is not null and suppressed <> (denominator < {{ n }}))
   or (not suppressed and protected_count > 0 and protected_count < {{ n }})
   or (suppressed and (value is not null or numerator is not null))
   or (suppressed and hide_denominator and denominator is not null)
   or (denominator is null and not (suppressed and hide_denominator))
