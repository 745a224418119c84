/*
  DQ_SABO_FAST_LAKARKONTAKT (WARN, listning, vardenhet): listed persons living
  in a nursing home (SÄBO, sarskilt_boende = J), for whom the listing system
  cannot register a fast läkarkontakt at all. A known structural gap: the count
  is reported every month for every unit that has SÄBO residents.

  affected = SÄBO residents listed at the unit; share = of all listed there.
*/
select
    'DQ_SABO_FAST_LAKARKONTAKT' as check_id,
    'listning' as source,
    period,
    'vardenhet' as level,
    hsa_id as unit_id,
    'WARN' as severity,
    cast(pa_sabo as double) as affected,
    cast(pa_sabo as double) / listade as share,
    {{ dq_antal('pa_sabo') }} || ' av ' || {{ dq_antal('listade') }} || ' listade bor på särskilt boende (SÄBO) i '
        || period || '. Listningssystemet kan inte registrera fast läkarkontakt för dem, så de räknas som utan '
        || 'i K1 (en känd, strukturell lucka som rapporteras varje månad). Följ upp läkarkontakten för '
        || 'SÄBO-boende på annat sätt, t.ex. genom kommunens avtal om läkarmedverkan.' as message
from {{ ref('int_dq_listning_counted_per_enhet') }}
where pa_sabo > 0
