-- Health centre -> its kommun, as the unit registry gives it. (Not the
-- residents' kommun: a health centre counts where it is.)
select
    upper(trim(hsa_id)) as hsa_id,
    enhetsnamn,
    kommunkod,
    driftform,
    enhetstyp
from {{ ref('vardenheter') }}
