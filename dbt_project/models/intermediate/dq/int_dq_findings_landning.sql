/*
  Files in the landing folder that are no deliveries (level 'fil', unit_id = the
  path inside the landing folder, masked):

  DQ_FIL_IGNORERAD (WARN)  a file the pipeline did not read because of where it
                           lies or what it is (outside the source folders, in a
                           subfolder, hidden, an Office lock file): a delivery
                           put in the wrong place would otherwise be lost without
                           a word. raw._landing_files is the state of the latest
                           scan (orchestration/landing_names.py decides). The
                           landing root's own notes (README, DEFECTS.json) are
                           counted there but not reported; a file whose source
                           cannot be told is in the landing inventory's check.

  Files in a source folder whose name or month cannot be loaded are set aside
  and logged in raw._load_log: they are DQ_FIL_AVSATT (int_dq_findings_filer).
*/
with landing_files as (
    select * from {{ source('ingestion', '_landing_files') }}
)

select
    'DQ_FIL_IGNORERAD' as check_id,
    source,
    coalesce(reporting_month, strftime(scanned_at, '%Y-%m')) as period,
    'fil' as level,
    path as unit_id,
    'WARN' as severity,
    1.0 as affected,
    cast(null as double) as share,
    'Filen ' || path || ' i landningsmappen lästes inte (' || coalesce(reason, 'okänd orsak') || '). '
        || 'Är den en leverans, lägg den direkt i mappen ' || source || '/ med namnet <extrakt>_ÅÅÅÅ-MM.csv; '
        || 'annars ta bort den ur landningsmappen.' as message
from landing_files
where kind = 'ignored' and reported and source is not null
