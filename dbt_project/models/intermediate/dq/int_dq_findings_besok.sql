{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='besok_manad') }}
/*
  The visits' registration gaps (WARN, besok, vardenhet; contract 1.2), per
  health centre that held the visits and reporting month. Every occurrence is
  reported (the gaps bias K4-K7 however small they are).

  DQ_BESOK_PERSONAL_SAKNAS       läkare visits (yrkesgrupp XS915) without a
                                 personal_hsa_id: they cannot say who was seen and
                                 are left out of K4-K7 (a unit that never delivers
                                 it has no continuity figures at all).
                                 share = of the unit's XS915 visits.
  DQ_BESOK_LAKARE_EJ_I_LAKARFIL  physician visits whose practitioner is not in the
                                 unit's lakare file for the month (hired or visiting
                                 doctors; only months with a lakare delivery).
                                 share = of the unit's physician visits.
  DQ_BESOK_EJ_LISTAD             visits of persons not listed anywhere in the
                                 month's listing snapshot, unidentified patients
                                 included (no pseudonym can link them); left out of
                                 K4-K7 (only months with a listing delivery).
                                 share = of the unit's visits.
*/
with besok as (
    select * from {{ ref('stg_besok__besok') }}
    where {{ in_rebuild('reporting_month') }}
),

lakare as (
    select distinct reporting_month, hsa_id, upper(trim(lakare_hsa_id)) as lakare_hsa_id
    from {{ ref('stg_listning__lakare') }}
    where {{ in_rebuild('reporting_month') }}
),

lakare_manader as (
    select distinct reporting_month from lakare
),

listade as (
    select distinct reporting_month, person_key
    from {{ ref('stg_listning__listningar') }}
    where person_id is not null
      and {{ in_rebuild('reporting_month') }}
),

listning_manader as (
    select distinct reporting_month from listade
),

per_enhet as (
    select
        besok.reporting_month as period,
        besok.hsa_id,
        count(*) as besok,
        count(*) filter (where upper(besok.yrkesgrupp) = 'XS915') as xs915,
        count(*) filter (where upper(besok.yrkesgrupp) = 'XS915' and besok.personal_hsa_id is null)
            as utan_personal,
        count(*) filter (where besok.is_lakarbesok) as lakarbesok,
        count(*) filter (where besok.is_lakarbesok and lm.reporting_month is not null
                           and lakare.lakare_hsa_id is null) as ej_i_lakarfil,
        count(*) filter (where lim.reporting_month is not null and listade.person_key is null) as ej_listade
    from besok
    left join lakare_manader as lm
        on lm.reporting_month = besok.reporting_month
    left join lakare
        on lakare.reporting_month = besok.reporting_month
       and lakare.hsa_id = besok.hsa_id
       and lakare.lakare_hsa_id = besok.personal_hsa_id
    left join listning_manader as lim
        on lim.reporting_month = besok.reporting_month
    left join listade
        on listade.reporting_month = besok.reporting_month
       and listade.person_key = besok.person_key
    group by besok.reporting_month, besok.hsa_id
)

select
    'DQ_BESOK_PERSONAL_SAKNAS' as check_id,
    'besok' as source,
    period,
    'vardenhet' as level,
    hsa_id as unit_id,
    'WARN' as severity,
    cast(utan_personal as double) as affected,
    cast(utan_personal as double) / xs915 as share,
    {{ dq_antal('utan_personal') }} || ' av ' || {{ dq_antal('xs915') }} || ' läkarbesök ('
        || {{ dq_procent('cast(utan_personal as double) / xs915') }} || ') i ' || period
        || ' saknar personal_hsa_id, så det går inte att se vilken läkare patienten träffade. Besöken räknas '
        || 'inte i K4-K7. Se till att journalsystemets uttag tar med den som höll besöket.' as message
from per_enhet
where utan_personal > 0

union all

select
    'DQ_BESOK_LAKARE_EJ_I_LAKARFIL',
    'besok',
    period,
    'vardenhet',
    hsa_id,
    'WARN',
    cast(ej_i_lakarfil as double),
    cast(ej_i_lakarfil as double) / lakarbesok,
    {{ dq_antal('ej_i_lakarfil') }} || ' av ' || {{ dq_antal('lakarbesok') }} || ' läkarbesök ('
        || {{ dq_procent('cast(ej_i_lakarfil as double) / lakarbesok') }} || ') i ' || period
        || ' hölls av en läkare som inte finns i enhetens läkarfil för månaden (hyrläkare eller '
        || 'gästande läkare). Beroendet av inhyrda läkare är ett kontinuitetsproblem; kontrollera också '
        || 'att läkarfilen är komplett.'
from per_enhet
where ej_i_lakarfil > 0

union all

select
    'DQ_BESOK_EJ_LISTAD',
    'besok',
    period,
    'vardenhet',
    hsa_id,
    'WARN',
    cast(ej_listade as double),
    cast(ej_listade as double) / besok,
    {{ dq_antal('ej_listade') }} || ' av ' || {{ dq_antal('besok') }} || ' besök ('
        || {{ dq_procent('cast(ej_listade as double) / besok') }} || ') i ' || period
        || ' gällde personer som inte är listade i månadens listning (eller saknar giltigt personnummer). '
        || 'De räknas inte i K4-K7.'
from per_enhet
where ej_listade > 0
