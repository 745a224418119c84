-- Continuity (listing and physicians) per month, level and unit, wide: the
-- numbers behind K1, K2 and K3. NULL = that month's file was not delivered.
{{ pivot_measures('kontinuitet') }}
