/*
  DQ_MANAD_TOM (WARN, level 'fil', unit_id = the file name): the latest delivery
  of a month is a file with a header and no rows. By the contract it replaces
  the month, so the month is now empty for that extract; more often than not
  that is a failed export, not a month without activity, so it is said aloud
  (the ingest step also writes a console line). The message says whether an
  earlier delivery with rows was replaced (a correction that emptied the month).
*/
with load_log as (
    select * from {{ source('ingestion', '_load_log') }}
    where coalesce(extract, '') <> '' and reporting_month is not null
),

ranked as (
    select
        *,
        row_number() over (partition by extract, reporting_month order by loaded_at desc, load_id desc) as nr,
        -- rows of the latest earlier delivery that was loaded (NULL: none before)
        last_value(case when status <> 'file_set_aside' then rows_loaded end ignore nulls) over (
            partition by extract, reporting_month order by loaded_at, load_id
            rows between unbounded preceding and 1 preceding
        ) as rows_before
    from load_log
)

select
    'DQ_MANAD_TOM' as check_id,
    source,
    reporting_month as period,
    'fil' as level,
    file_name as unit_id,
    'WARN' as severity,
    1.0 as affected,
    cast(null as double) as share,
    'Filen ' || file_name || ' för ' || reporting_month || ' har en rubrikrad men inga rader, och den senaste '
        || 'leveransen ersätter månaden: ' || extract || ' är nu tom för ' || reporting_month
        || case when coalesce(rows_before, 0) > 0
            then ' (den ersatte en leverans med ' || {{ dq_antal('rows_before') }} || ' rader)'
            else ''
        end
        || '. Var det inte meningen, be avsändaren leverera filen igen med raderna.' as message
from ranked
where nr = 1 and status = 'loaded' and rows_read = 0
