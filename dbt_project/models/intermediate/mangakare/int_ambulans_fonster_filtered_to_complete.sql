/*
  The mångåkare window of each ambulance month that may be published: the
  months whose window every reporting month of was delivered
  (int_ambulans_fonster_tackning_counted; CONTRACTS.md section 3.1, rule 2). With data
  from 2024-01 on, the first published month is 2024-12, and a month missing
  in between withholds every month whose window touches it.
*/
select
    period,
    fonster_start,
    fonster_slut
from {{ ref('int_ambulans_fonster_tackning_counted') }}
where antal_saknade = 0
