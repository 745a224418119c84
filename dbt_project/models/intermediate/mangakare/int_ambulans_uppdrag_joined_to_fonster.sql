{{ config(materialized='incremental', incremental_strategy='replace_periods', rebuild='mangakare') }}
-- Each assignment once per published window it falls into (about twelve each):
-- the base of A1-A3. Window membership is by the date of larmtid, both ends inclusive.
with fonster as (
    select * from {{ ref('int_ambulans_fonster_filtered_to_complete') }}
    where {{ in_rebuild('period') }}
),

uppdrag as (
    select * from {{ ref('stg_ambulans__uppdrag') }}
)

select
    fonster.period,
    fonster.fonster_start,
    fonster.fonster_slut,
    uppdrag.uppdrag_id,
    uppdrag.person_id,
    uppdrag.person_key,
    uppdrag.larmtid,
    uppdrag.kommunkod
from fonster
inner join uppdrag
    on uppdrag.larmdatum >= fonster.fonster_start
    and uppdrag.larmdatum <= fonster.fonster_slut
