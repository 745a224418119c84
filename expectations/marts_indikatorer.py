"""Great Expectations suite for `marts.indikatorer`, the contract BI tools rely on (CONTRACTS.md section 3).

Checked on the built mart before it is published. The parameters that are
settings or data (the disclosure threshold, the reporting periods delivered,
the unit registry) are filled in at run time, which is why the suite is code.

Severity (GX 1.x expectation severity, mapped to the Dagster check):
- critical -> ERROR, the check blocks the serving copy: keys, catalogue,
  shares within 0-1 and numerator <= denominator, the disclosure rule per
  indicator (the count each protects, from the seed rojandekontroll);
- warning  -> WARN, published anyway: a health centre missing from the unit
  registry is kept and flagged by design (CONTRACTS.md section 2), so it is
  a finding for whoever maintains reference/vardenheter.csv, not a reason to
  hold back the indicators.
"""
from __future__ import annotations

SUITE_NAME = "marts.indikatorer"

INDICATORS = (
    "T1_TELEFON_SAMMA_DAG", "T2_BEDOMNING_3_DAGAR", "K1_FAST_LAKARKONTAKT", "K2_LISTADE_PER_SPECIALIST",
    "K3_RIKTVARDE_TACKNING", "A1_MANGAKARE_PER_1000", "A2_MANGAKARE_ANDEL_UPPDRAG",
    "A3_MANGAKARE_MED_FAST_LAKARE", "V1_VHU_DELTAGANDE", "V2_VHU_FAR_VID_LAG_AKTIVITET",
    # contract 1.2
    "K4_KONTINUITET_UPC", "K5_KONTINUITET_COC", "K6_BESOK_HOS_FAST_LAKARE", "K7_KONTINUITET_UPC_SABO",
    "K8_FAST_VARDKONTAKT",
)
# Indicators whose value is a share (0-1) of persons/contacts/calls counted in
# the denominator. Not V1 (people examined at another unit than the one that
# invited them can make it exceed 1 at unit level), not the ratios K2, K3, A1.
SHARE_INDICATORS = (
    "T1_TELEFON_SAMMA_DAG", "T2_BEDOMNING_3_DAGAR", "K1_FAST_LAKARKONTAKT", "A2_MANGAKARE_ANDEL_UPPDRAG",
    "A3_MANGAKARE_MED_FAST_LAKARE", "V2_VHU_FAR_VID_LAG_AKTIVITET",
    # K4, K5, K7: a mean of per-person indices in 0-1 (Σ index <= persons); K6 visits, K8 persons.
    "K4_KONTINUITET_UPC", "K5_KONTINUITET_COC", "K6_BESOK_HOS_FAST_LAKARE", "K7_KONTINUITET_UPC_SABO",
    "K8_FAST_VARDKONTAKT",
)
LEVELS = ("region", "lansdel", "kommun", "vardenhet")
KEY = ("indicator_id", "period", "level", "unit_id")

# The disclosure rule per indicator is read from the seed dbt built the mart with (reference.rojandekontroll,
# from dbt_project/seeds/contract/rojandekontroll.csv): which count each indicator protects. The count is
# NULL in the frame where it is hidden (the numerator of a suppressed K2 or A1 row).
FRAME_SQL = """
SELECT i.indicator_id, i.period, i.level, i.unit_id, i.numerator, i.denominator, i.value, i.suppressed,
       r.protects, r.hide_denominator,
       CASE r.protects WHEN 'numerator' THEN i.numerator WHEN 'denominator' THEN i.denominator END AS protected_count
FROM marts.indikatorer AS i
LEFT JOIN reference.rojandekontroll AS r ON r.indicator_id = i.indicator_id
"""


def build_suite(threshold: float, periods: list[str], registry_hsa_ids: list[str]):
    """threshold: the disclosure threshold; periods: the YYYY-MM months delivered and
    their YYYY years; registry_hsa_ids: reference.vardenheter."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column as C

    E = gx.expectations
    share = C("indicator_id").is_in(list(SHARE_INDICATORS))
    suppressed, published = C("suppressed") == True, C("suppressed") == False  # noqa: E712 (GX conditions)
    suite = gx.ExpectationSuite(
        name=SUITE_NAME,
        meta={"notes": {"format": "markdown", "content": [
            "marts.indikatorer (CONTRACTS.md section 3), checked before publishing. "
            f"Disclosure threshold {threshold:g}. Built by expectations/marts_indikatorer.py."]}},
    )
    add = suite.add_expectation
    add(E.ExpectCompoundColumnsToBeUnique(column_list=list(KEY),
                                          notes="one row per indicator, period, level and unit"))
    for col in (*KEY, "suppressed"):
        add(E.ExpectColumnValuesToNotBeNull(column=col))
    add(E.ExpectColumnValuesToBeInSet(
        column="protects", value_set=["numerator", "denominator"],
        notes="every indicator declares the count it protects (seeds/contract/rojandekontroll.csv)"))
    add(E.ExpectColumnValuesToNotBeNull(column="protects", notes="an undeclared indicator is never published"))
    hides_denominator = C("hide_denominator") == True  # noqa: E712 (GX conditions)
    add(E.ExpectColumnValuesToNotBeNull(
        column="denominator", row_condition=published | (C("hide_denominator") == False),  # noqa: E712
        notes="the denominator is shown, except on a suppressed row whose rule hides it (A3)"))
    add(E.ExpectColumnValuesToBeNull(
        column="denominator", row_condition=suppressed & hides_denominator,
        notes="A3's denominator is A1's hidden count (mångåkare): hidden with the row"))
    add(E.ExpectColumnValuesToBeInSet(column="indicator_id", value_set=list(INDICATORS)))
    add(E.ExpectColumnValuesToBeInSet(column="level", value_set=list(LEVELS)))
    add(E.ExpectColumnValuesToBeInSet(
        column="period", value_set=sorted(periods),
        notes="every period is a reporting month (or its year) that was delivered: nothing outside the data"))
    add(E.ExpectColumnValuesToBeBetween(column="denominator", min_value=0, strict_min=True,
                                        notes="a unit with a denominator of zero gets no row"))
    add(E.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=1, row_condition=share,
                                        notes="shares lie within 0-1"))
    add(E.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="denominator", column_B="numerator", or_equal=True, row_condition=share,
        ignore_row_if="either_value_is_missing", notes="for shares the numerator never exceeds the denominator"))
    # suppressed <=> the protected count is 1 .. threshold - 1, as two one-way rules. The count of a
    # suppressed row is NULL where it is the hidden numerator; GX leaves NULLs out of the first rule.
    add(E.ExpectColumnValuesToBeBetween(
        column="protected_count", min_value=0, max_value=threshold, strict_min=True, strict_max=True,
        row_condition=suppressed,
        notes=f"suppressed rows protect a count from 1 to below {threshold:g} (persons or events, not FTE)"))
    add(E.ExpectColumnValuesToBeBetween(
        column="protected_count", min_value=threshold, row_condition=published & (C("protected_count") > 0),
        notes=f"rows whose protected count is {threshold:g} or more (or 0) are published"))
    for col in ("value", "numerator"):
        add(E.ExpectColumnValuesToBeNull(column=col, row_condition=suppressed,
                                         notes="a suppressed row publishes neither value nor numerator"))
    add(E.ExpectColumnValuesToNotBeNull(column="value", row_condition=published))
    add(E.ExpectColumnValuesToBeInSet(
        column="unit_id", value_set=sorted(registry_hsa_ids), row_condition=C("level") == "vardenhet",
        severity="warning",
        notes="health centres are in the unit registry (reference/vardenheter.csv); an unknown one is kept "
              "and flagged, so this is a warning, not a reason to hold back publishing"))
    return suite
