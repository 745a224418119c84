"""Great Expectations suites for the eight raw extract tables (`raw.<source>_<extract>`).

Derived from the extract contracts in orchestration/ingest/schemas.py, so a new
column, choice, bound or cross-column rule there is checked here without an
edit. What the suite expects and what GX is handed are written side by side:
each rule names the SQL expressions it needs, and the frame handed to GX is
exactly those columns (GX is handed only what a suite needs: docs/decisions.md, "The raw GX checks").

GX is never handed a personal identifier, so no Data Docs page or check
metadata can show one (GX renders samples of unexpected values):
- personnummer columns become `person_id_class` (a category) and two booleans,
  never `person_id`;
- "unique within the delivery" is checked on a count per key
  (`<key>__antal_i_leveransen` = 1), so no contact or assignment id is ever
  shown (the ids are handed only to not-null, whose samples can only be NULL);
- dates that must lie in the reporting month are handed as their month
  (`<col>__manad`), compared with the file's month;
- a column only checked for NULL is handed as whether it holds a value
  (`angiven` or NULL), not the value.

GX is handed the distinct combinations of those columns with their number
of rows (`_rader`), not the rows: every expectation here is decided row by
row, so the combinations meet it exactly when the rows do, and the GX bridge
weighs the counts GX reports by `_rader` (gx_bridge.py). A national listing
month is 10.5 million rows and a few thousand combinations.

The loader (orchestration/ingest/rules.py) already sets aside rows that
break these rules, so on a healthy warehouse every expectation passes; a
failure means rows reached raw that the contract forbids (a loader bug, a
hand-edited table), and the check blocks the marts (docs/data_quality.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.ingest.schemas import EXTRACTS, YRKESGRUPP_PATTERN, Column, Extract

KOMMUNKOD_PATTERN = r"^[0-9]{4}$"
PERSON_ID_CLASSES = ("personnummer", "samordningsnummer", "unidentified")


@dataclass(frozen=True)
class Rule:
    """One expectation: GX class name, its arguments, and the SQL columns it needs."""

    expectation: str
    kwargs: dict
    columns: dict[str, str]  # alias -> SQL expression over the raw table
    notes: str = ""
    extra: dict = field(default_factory=dict)


def suite_name(extract: Extract) -> str:
    return f"raw.{extract.key}"


def _column_rules(c: Column) -> list[Rule]:
    rules: list[Rule] = []
    if c.kind == "personnummer":
        cols = {
            "person_id_class": "person_id_class",
            # Booleans only: whether a pseudonym exists, whether the class says it should.
            "har_person_id": "person_id IS NOT NULL",
            "klass_identifierad": "person_id_class <> 'unidentified'",
        }
        rules.append(Rule("ExpectColumnValuesToNotBeNull", {"column": "person_id_class"}, cols,
                          f"{c.name}: every row is classified (personnummer, samordningsnummer or unidentified)"))
        rules.append(Rule("ExpectColumnValuesToBeInSet",
                          {"column": "person_id_class", "value_set": list(PERSON_ID_CLASSES)}, cols))
        rules.append(Rule("ExpectColumnPairValuesToBeEqual",
                          {"column_A": "har_person_id", "column_B": "klass_identifierad"}, cols,
                          f"{c.name}: a pseudonym exists exactly for identified persons (unidentified never link)"))
        return rules

    own = {c.name: c.name}
    if c.required:
        rules.append(Rule("ExpectColumnValuesToNotBeNull", {"column": c.name}, own, f"{c.name} is required"))
    if c.choices:
        rules.append(Rule("ExpectColumnValuesToBeInSet", {"column": c.name, "value_set": list(c.choices)}, own))
    if c.kind in ("int", "decimal") and (c.min is not None or c.max is not None):
        rules.append(Rule("ExpectColumnValuesToBeBetween",
                          {"column": c.name, "min_value": c.min, "max_value": c.max}, own))
    if c.kind == "kommunkod":
        rules.append(Rule("ExpectColumnValuesToMatchRegex", {"column": c.name, "regex": KOMMUNKOD_PATTERN}, own,
                          f"{c.name} is four digits"))
    if c.in_month:
        alias = f"{c.name}__manad"
        rules.append(Rule(
            "ExpectColumnPairValuesToBeEqual",
            {"column_A": alias, "column_B": "_reporting_month", "ignore_row_if": "either_value_is_missing"},
            {alias: f"strftime({c.name}, '%Y-%m')", "_reporting_month": "_reporting_month"},
            f"{c.name} lies inside the reporting month of the file",
        ))
    return rules


def _unique_rule(extract: Extract, name: str) -> Rule:
    alias = f"{name}__antal_i_leveransen"
    return Rule(
        "ExpectColumnValuesToBeBetween", {"column": alias, "min_value": 1, "max_value": 1},
        {alias: f"count(*) OVER (PARTITION BY _reporting_month, {name})"},
        f"{name} is unique within one delivery (checked on the count per {name}, so no id is shown)",
    )


# The cross-column rules of schemas.py, by name. A rule added there without an
# entry here fails `rules_for` (and its test) instead of going unchecked.
def _cross_rule(name: str) -> Rule:
    if name == "besvarade_le_inkommande":
        return Rule("ExpectColumnPairValuesAToBeGreaterThanB",
                    {"column_A": "inkommande_samtal", "column_B": "besvarade_samma_dag", "or_equal": True,
                     "ignore_row_if": "either_value_is_missing"},
                    {"inkommande_samtal": "inkommande_samtal", "besvarade_samma_dag": "besvarade_samma_dag"},
                    "besvarade_samma_dag <= inkommande_samtal")
    if name == "bedomning_not_before_kontakt":
        return Rule("ExpectColumnPairValuesAToBeGreaterThanB",
                    {"column_A": "bedomningsdatum", "column_B": "kontaktdatum", "or_equal": True,
                     "ignore_row_if": "either_value_is_missing"},
                    {"bedomningsdatum": "bedomningsdatum", "kontaktdatum": "kontaktdatum"},
                    "bedomningsdatum is never before kontaktdatum")
    if name == "yrkesgrupp_code":
        return Rule("ExpectColumnValuesToMatchRegex", {"column": "yrkesgrupp", "regex": YRKESGRUPP_PATTERN},
                    {"yrkesgrupp": "yrkesgrupp"}, "yrkesgrupp is an SKR code XS9nn")
    raise KeyError(f"no expectation for the cross rule {name!r} of schemas.py; add it to expectations/raw_extracts.py")


def rules_for(extract: Extract) -> list[Rule]:
    rules = [r for c in extract.columns for r in _column_rules(c)]
    rules += [_unique_rule(extract, name) for name in extract.unique]
    rules += [_cross_rule(name) for name in extract.cross_rules]
    return rules


WEIGHT = "_rader"  # the number of rows of a combination (gx_bridge.WEIGHT)
PRESENT = "angiven"
NOT_NULL = "ExpectColumnValuesToNotBeNull"


def frame_sql(extract: Extract, load_ids: list[str]) -> str:
    """SELECT of the distinct combinations of exactly the columns the suite
    needs, with their number of rows, over the rows of the given loads."""
    rules = rules_for(extract)
    for r in rules:
        if "mostly" in r.kwargs:  # decided on combinations, a share of rows would be wrong
            raise ValueError(f"{suite_name(extract)}: {r.expectation} with mostly= cannot be checked on combinations")
    cols: dict[str, str] = {"_reporting_month": "_reporting_month"}
    for r in rules:
        cols.update(r.columns)
    for alias in list(cols):
        if alias != "_reporting_month" and all(r.expectation == NOT_NULL for r in rules if alias in r.columns):
            cols[alias] = f"CASE WHEN {cols[alias]} IS NOT NULL THEN '{PRESENT}' END"
    select = ",\n    ".join(expr if expr == alias else f"{expr} AS {alias}" for alias, expr in cols.items())
    in_list = ", ".join("'" + i.replace("'", "''") + "'" for i in load_ids) or "NULL"
    names = ", ".join(cols)
    return (f"SELECT {names}, count(*) AS {WEIGHT} FROM (\n  SELECT\n    {select}\n  FROM raw.{extract.key}\n"
            f"  WHERE _load_id IN ({in_list})\n) GROUP BY ALL ORDER BY ALL")


def build_suite(extract: Extract):
    """The GX ExpectationSuite of one extract (imports GX: call it only where GX is used)."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(
        name=suite_name(extract),
        meta={"notes": {"format": "markdown", "content": [
            f"raw.{extract.key}: {extract.description}. Derived from orchestration/ingest/schemas.py "
            "by expectations/raw_extracts.py. No personal identifier is handed to GX."]}},
    )
    for r in rules_for(extract):
        cls = getattr(gx.expectations, r.expectation)
        suite.add_expectation(cls(**r.kwargs, notes=r.notes or None, **r.extra))
    return suite


SUITES = {suite_name(e): e for e in EXTRACTS}
