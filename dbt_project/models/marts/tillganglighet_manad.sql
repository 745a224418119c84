-- Accessibility (vårdgarantin) per month, level and unit, wide: the numbers
-- behind T1 and T2. NULL = that month's file was not delivered.
{{ pivot_measures('tillganglighet') }}
