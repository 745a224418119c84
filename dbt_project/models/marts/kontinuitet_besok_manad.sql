-- Continuity from the visits per month, level and unit, wide: the numbers behind
-- K4-K7 (CONTRACTS.md section 3.2). NULL = the visits (or for K4, K5, K7 one of
-- the window's twelve months) were not delivered.
{{ pivot_measures('kontinuitet_besok') }}
