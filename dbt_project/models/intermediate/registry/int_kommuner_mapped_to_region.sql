-- The geography every roll-up goes through: kommun -> länsdel -> region.
select
    kommunkod,
    kommun,
    regionkod,
    region,
    -- An empty länsdel means the region has none: no länsdel rows for it.
    nullif(trim(lansdel), '') as lansdel,
    invanare_2023 as invanare
from {{ ref('kommuner') }}
