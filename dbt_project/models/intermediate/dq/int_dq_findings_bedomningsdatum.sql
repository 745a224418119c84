/*
  DQ_BEDOMNINGSDATUM_SAKNAS (WARN, vardgaranti, vardenhet): contacts without a
  registered assessment date (bedömningsdatum is registered by hand; without it
  the contact is left out of T2), by unit and month of kontaktdatum (the
  reporting month). A finding from var dq_bedomning_saknas_andel (0.20) of the
  unit's contacts in the month: about a tenth is typical in the region.

  affected = contacts without bedömningsdatum; share = of the unit's contacts.
*/
with per_enhet as (
    select
        reporting_month as period,
        hsa_id,
        count(*) as kontakter,
        sum(case when bedomningsdatum is null then 1 else 0 end) as utan_datum
    from {{ ref('stg_vardgaranti__bedomningar') }}
    group by reporting_month, hsa_id
)

select
    'DQ_BEDOMNINGSDATUM_SAKNAS' as check_id,
    'vardgaranti' as source,
    period,
    'vardenhet' as level,
    hsa_id as unit_id,
    'WARN' as severity,
    cast(utan_datum as double) as affected,
    cast(utan_datum as double) / kontakter as share,
    {{ dq_antal('utan_datum') }} || ' av ' || {{ dq_antal('kontakter') }} || ' kontakter ('
        || {{ dq_procent('cast(utan_datum as double) / kontakter') }} || ') i ' || period
        || ' saknar registrerat bedömningsdatum. Datumet registreras för hand; utan det räknas kontakten '
        || 'inte i T2. Påminn om registreringen och komplettera i journalsystemet.' as message
from per_enhet
where utan_datum > 0
  and cast(utan_datum as double) / kontakter >= {{ var('dq_bedomning_saknas_andel') }}
