/*
  File-level findings (level 'fil', unit_id = the file name):

  DQ_FIL_SAKNAS (WARN)     an expected monthly file never arrived: every extract
                           that has delivered at least once is expected for every
                           month from the first to the last month any extract
                           delivered (raw._load_log);
  DQ_FIL_AVSATT (ERROR)    the latest delivery of a month was set aside whole, or a
                           file could not be attributed to an extract and month;
  DQ_RADER_AVSATTA (ERROR) rows of the latest delivery of a month were set aside.

  A month whose file was set aside whole fails the raw asset's blocking
  `leverans` check, so while it lasts the marts are not rebuilt; this model
  lists it for the runs where the marts are built (and lists the contained
  breaks: set-aside rows, unattributable files).
*/
with leveranser as (
    select * from {{ ref('int_dq_leveranser_filtered_to_latest') }}
),

loaded as (
    select * from leveranser
    where is_attributed and status in ('loaded', 'loaded_with_set_aside')
),

bounds as (
    select min(reporting_month) as first_month, max(reporting_month) as last_month from loaded
),

-- DuckDB: every month of the delivered range.
months as (
    select strftime(unnest(generate_series(
        cast(first_month || '-01' as date), cast(last_month || '-01' as date), interval 1 month)), '%Y-%m') as period
    from bounds
    where first_month is not null
),

extracts as (
    select distinct source, extract from leveranser where is_attributed
),

-- What each extract feeds, for the messages.
indicators as (
    select * from (values
        ('vardgaranti_telefoni', 'T1'),
        ('vardgaranti_bedomning', 'T2'),
        ('listning_listning', 'K1, K2, K3 och A3'),
        ('listning_lakare', 'K2 och K3'),
        ('ambulans_uppdrag', 'A1, A2 och A3'),
        ('vhu_inbjudan', 'V1'),
        ('vhu_undersokning', 'V1 och V2')
    ) as t(extract, indikatorer)
),

saknas as (
    select
        'DQ_FIL_SAKNAS' as check_id,
        e.source,
        m.period,
        substr(e.extract, length(e.source) + 2) || '_' || m.period || '.csv' as file_name,
        e.extract
    from extracts as e
    cross join months as m
    left join leveranser as l
        on l.is_attributed and l.extract = e.extract and l.reporting_month = m.period
    where l.extract is null
),

-- The most frequent broken column of each delivery with set-aside rows.
avsatta_kolumner as (
    select load_id, column_name, count(*) as antal
    from {{ source('ingestion', '_set_aside_rows') }}
    group by load_id, column_name
    qualify row_number() over (partition by load_id order by count(*) desc, column_name) = 1
)

select
    s.check_id,
    s.source,
    s.period,
    'fil' as level,
    s.file_name as unit_id,
    'WARN' as severity,
    1.0 as affected,
    cast(null as double) as share,
    'Filen ' || s.file_name || ' (' || s.source || ') har inte kommit in för ' || s.period
        || ', fast andra extrakt finns för månaden. '
        || coalesce(i.indikatorer, 'Indikatorerna från filen') || ' saknas därför för ' || s.period
        || '. Kontakta avsändaren och be om filen; den läses in vid nästa körning.' as message
from saknas as s
left join indicators as i on i.extract = s.extract

union all

select
    'DQ_FIL_AVSATT',
    l.source,
    coalesce(l.reporting_month, strftime(l.loaded_at, '%Y-%m')),
    'fil',
    l.file_name,
    'ERROR',
    1.0,
    cast(null as double),
    case
        when l.is_attributed then
            'Filen ' || l.file_name || ' lades åt sidan i sin helhet och lästes inte in ('
            || coalesce(l.message, 'okänd orsak') || '). '
            || coalesce(i.indikatorer, 'Indikatorerna från filen') || ' för ' || l.reporting_month
            || ' bygger därför inte på den. Be avsändaren rätta filen och leverera den igen.'
        else
            'Filen ' || l.file_name || ' i mappen ' || l.source || '/ kunde inte kopplas till ett extrakt och en '
            || 'redovisningsmånad och lästes inte in (' || coalesce(l.message, 'okänd orsak') || '). '
            || 'Byt namn på filen enligt <extrakt>_ÅÅÅÅ-MM.csv eller ta bort den ur landningsmappen.'
    end
from leveranser as l
left join indicators as i on i.extract = l.extract
where l.status = 'file_set_aside'

union all

select
    'DQ_RADER_AVSATTA',
    l.source,
    l.reporting_month,
    'fil',
    l.file_name,
    'ERROR',
    cast(l.rows_set_aside as double),
    cast(l.rows_set_aside as double) / nullif(l.rows_read, 0),
    {{ dq_antal('l.rows_set_aside') }} || ' av ' || {{ dq_antal('l.rows_read') }} || ' rader i ' || l.file_name
        || ' bröt mot filkontraktet och lades åt sidan'
        || coalesce(' (flest i kolumnen ' || k.column_name || ': ' || {{ dq_antal('k.antal') }} || ' rader)', '')
        || '. Övriga rader lästes in. Raderna och orsakerna finns i raw._set_aside_rows (load_id ' || l.load_id
        || '). Be avsändaren rätta raderna och leverera om filen för ' || l.reporting_month || '.'
from leveranser as l
left join avsatta_kolumner as k on k.load_id = l.load_id
where l.is_attributed and l.status <> 'file_set_aside' and coalesce(l.rows_set_aside, 0) > 0
