/*
  The state of every delivery in raw._load_log: the latest load-log row per
  extract and reporting month (a correction replaces the month, so only the
  latest counts), and per file for files the pipeline could not attribute to
  an extract and month (name without a month, unknown extract: extract '').
*/
with load_log as (
    select * from {{ source('ingestion', '_load_log') }}
),

attributed as (
    select
        *,
        row_number() over (partition by extract, reporting_month order by loaded_at desc, load_id desc) as nr
    from load_log
    where coalesce(extract, '') <> '' and reporting_month is not null
),

unattributed as (
    select
        *,
        row_number() over (partition by source, file_name order by loaded_at desc, load_id desc) as nr
    from load_log
    where coalesce(extract, '') = '' or reporting_month is null
)

select
    source, extract, file_name, reporting_month, status, rows_read, rows_loaded, rows_set_aside,
    message, load_id, loaded_at, true as is_attributed
from attributed
where nr = 1

union all

select
    source, extract, file_name, reporting_month, status, rows_read, rows_loaded, rows_set_aside,
    message, load_id, loaded_at, false as is_attributed
from unattributed
where nr = 1
