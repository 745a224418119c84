{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='kontinuitet_besok') }}
/*
  Each attributed person's physician visits over the 12-month window of every
  published month (K4, K5, K7; CONTRACTS.md section 3.2).

  A physician visit is a visit with yrkesgrupp XS915 and a known
  personal_hsa_id (stg_besok__besok.is_lakarbesok), at any health centre. A
  person is attributed by the listing of the window's last month (the month
  itself): listed there, at the unit int_besok_listade_attribuerade gives.
  Persons not listed that month are left out (their visits are counted in
  DQ_BESOK_EJ_LISTAD).

  Per person: n = physician visits in the window, n_j = visits to physician j;
  only persons with n >= 2 (a single visit says nothing about continuity).
    UPC = max_j n_j / n  (two physicians seen equally often: that count, once)
    COC = (Σ n_j² - n) / (n (n - 1))  (Bice-Boxerman)
*/
with fonster as (
    select * from {{ ref('int_besok_fonster_filtered_to_complete') }}
    where {{ in_rebuild('period') }}
),

per_lakare_manad as (
    -- Visits per person, physician and month first: a month's visits join twelve windows.
    select
        reporting_month,
        person_key,
        personal_hsa_id,
        count(*) as besok
    from {{ ref('stg_besok__besok') }}
    where is_lakarbesok
      and person_id is not null
      -- only the months of the windows built now
      and reporting_month >= (select coalesce(min(forsta_manad), '9999-99') from fonster)
    group by reporting_month, person_key, personal_hsa_id
),

per_lakare as (
    select
        fonster.period,
        v.person_key,
        v.personal_hsa_id,
        sum(v.besok) as n_j
    from fonster
    inner join per_lakare_manad as v
        on v.reporting_month between fonster.forsta_manad and fonster.sista_manad
    group by fonster.period, v.person_key, v.personal_hsa_id
),

per_person as (
    select
        period,
        person_key,
        sum(n_j) as n,
        max(n_j) as n_max,
        sum(n_j * n_j) as n_kvadrat,
        count(*) as antal_lakare
    from per_lakare
    group by period, person_key
)

select
    per_person.period,
    per_person.person_key,
    listade.hsa_id,
    listade.is_sabo,
    per_person.n,
    per_person.antal_lakare,
    cast(per_person.n_max as double) / per_person.n as upc,
    cast(per_person.n_kvadrat - per_person.n as double) / (per_person.n * (per_person.n - 1)) as coc
from per_person
inner join {{ ref('int_besok_listade_attribuerade') }} as listade
    on listade.period = per_person.period
   and listade.person_key = per_person.person_key
where per_person.n >= 2
