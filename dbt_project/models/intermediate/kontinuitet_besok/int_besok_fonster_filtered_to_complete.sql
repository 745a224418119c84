/*
  The 12-month visit windows that may be published (K4, K5, K7): the months
  whose twelve reporting months were all delivered for besok
  (int_besok_fonster_tackning_counted). With visits from 2024-01 on, the first
  published month is 2024-12.
*/
select
    period,
    forsta_manad,
    sista_manad
from {{ ref('int_besok_fonster_tackning_counted') }}
where antal_saknade = 0
