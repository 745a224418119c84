/*
  DQ_TID_SOMMARTID (WARN, level 'fil', unit_id = the file name): local times
  (Europe/Stockholm, as the contract says timestamps are) that do not exist or
  occur twice at a daylight-saving change. Clocks go from 02:00 to 03:00 on the
  last Sunday of March (02:00-02:59 does not exist) and from 03:00 back to 02:00
  on the last Sunday of October (02:00-02:59 occurs twice). The last Sunday of a
  31-day month is the Sunday on day 25-31. Such a value is a sign the sender
  wrote UTC or a clock that does not change; it is kept as delivered (the
  minute cannot be corrected here) and counted, one row per file.

  The only timestamp column of the contract is ambulans.larmtid.
*/
with uppdrag as (
    select * from {{ ref('stg_ambulans__uppdrag') }}
),

classified as (
    select
        reporting_month,
        source_file,
        larmtid,
        case
            when hour(larmtid) = 2 and dayofweek(larmtid) = 0 and day(larmtid) >= 25 and month(larmtid) = 3
                then 'finns_ej'
            when hour(larmtid) = 2 and dayofweek(larmtid) = 0 and day(larmtid) >= 25 and month(larmtid) = 10
                then 'tvetydig'
        end as dst
    from uppdrag
),

per_file as (
    select
        reporting_month,
        source_file,
        count(*) as rows_total,
        count(*) filter (where dst = 'finns_ej') as finns_ej,
        count(*) filter (where dst = 'tvetydig') as tvetydig,
        min(larmtid) filter (where dst is not null) as first_odd
    from classified
    group by reporting_month, source_file
)

select
    'DQ_TID_SOMMARTID' as check_id,
    'ambulans' as source,
    reporting_month as period,
    'fil' as level,
    source_file as unit_id,
    'WARN' as severity,
    cast(finns_ej + tvetydig as double) as affected,
    cast(finns_ej + tvetydig as double) / rows_total as share,
    {{ dq_antal('finns_ej + tvetydig') }}
        || case when finns_ej + tvetydig = 1 then ' larmtid i ' else ' larmtider i ' end || source_file || ' ligger mellan 02:00 och 02:59 den '
        || strftime(first_odd, '%Y-%m-%d') || ', '
        || case when finns_ej > 0
            then 'då sommartiden börjar: den tiden finns inte i svensk tid'
            else 'då sommartiden slutar: den tiden inträffar två gånger och kan inte skiljas åt'
        end
        || '. Värdena är sparade som de levererades. Fråga avsändaren om tiderna är i UTC eller i en klocka '
        || 'som inte ställs om, och be om en rättad fil om de är fel.' as message
from per_file
where finns_ej + tvetydig > 0
