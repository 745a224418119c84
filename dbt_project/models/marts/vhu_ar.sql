-- Västerbottens hälsoundersökningar per year, level and unit, wide: the
-- distinct-person counts behind V1 and V2.
{{ pivot_measures('vhu') }}
