"""The disclosure rule: what of the marts may leave the warehouse. One place, every published form.

Every published form (the serving DuckDB, the Parquet files, the CSV, the
report) is made from the relations this module selects, so the rule is applied
once and cannot differ between them. n = NARAVARD_SUPPRESSION_THRESHOLD
(default 5), the number dbt suppresses `indikatorer` with.

1. `indikatorer` (CONTRACTS.md section 3.1): a row is suppressed when the
   count its indicator protects (orchestration/rojandekontroll.py: the
   numerator or the denominator, per indicator) is 1 .. n-1; value and
   numerator are NULL, the denominator is kept unless the rule hides it (A3).
   dbt applies this; publishing checks that it holds and refuses to publish
   when it does not (e.g. a warehouse built with another threshold).
2. Domain marts, small counts: a count of persons, contacts, calls or
   assignments from 1 to n-1 is published as NULL. 0 is published: "nobody
   registered" is exactly the gap the data-quality findings point at. Staff
   FTE and inhabitants (SCB's figures) are not counts of patients and are
   published as they are.
3. Domain marts, suppressed ratios: every column an indicator's numerator is
   computed from is NULL where `indikatorer` suppresses that indicator for the
   same period, level and unit, so the value cannot be recomputed from the
   wide form. Exception: a column that `indikatorer` itself publishes for that
   key as another indicator's denominator (antal_listade is K2's numerator and
   K1's denominator; fte_specialist_allmanmedicin is part of K3's numerator
   and K2's denominator). Hiding it in the wide mart would protect nothing.
4. `dq_findings` (CONTRACTS.md section 5): only the contract's columns;
   `affected` from 1 to n-1 at a unit level (region, länsdel, kommun,
   vårdenhet) is NULL, and so is its `share` (share x a published total would
   give it back); its `message` is replaced by a fixed text, because the
   messages repeat their counts. A file-level finding (level `fil`) and a
   check listed in CHECKS_COUNTING_DELIVERIES count files or deliveries, not
   people, and are published as they are.
5. Fail closed: a mart not listed here is not published, and a domain-mart
   column whose kind is not declared here stops the publish, so a new dbt
   column is published only once someone has decided what it is.

docs/bi.md explains the rule for the people who read the marts.
"""
from __future__ import annotations

from dataclasses import dataclass

from orchestration import rojandekontroll

KEY = "key"          # identifies the row (period, level, unit), or dates describing it
COUNT = "count"      # persons, contacts, calls, assignments: rule 2 applies
MEASURE = "measure"  # staff FTE, inhabitants: not counts of patients

INDIKATORER = "indikatorer"
DQ_FINDINGS = "dq_findings"
INDIKATORER_COLUMNS = ("indicator_id", "period", "level", "unit_id", "unit_name", "numerator", "denominator",
                       "value", "target", "suppressed")
DQ_COLUMNS = ("check_id", "source", "period", "level", "unit_id", "severity", "affected", "share", "message")
ROW_KEY = ("period", "level", "unit_id")
# Findings whose `affected` counts deliveries, not people or their records (orchestration/quality, dbt dq
# models): a missing monthly file of one unit is affected = 1 and must stay readable. Rule 4 spares them.
# The window and year-to-date findings count missing months, and their messages must name them.
CHECKS_COUNTING_DELIVERIES = ("DQ_LEVERANS_SAKNAS", "DQ_FIL_SAKNAS", "DQ_FIL_AVSATT",
                              "DQ_AMBULANS_FONSTER_OFULLSTANDIGT", "DQ_VHU_AR_OFULLSTANDIGT")


class DisclosureError(RuntimeError):
    """The marts do not satisfy the rule, or the rule does not know a column: nothing is published."""


@dataclass(frozen=True)
class Ratio:
    """An indicator as marts.indikatorer computes it from a domain mart (dbt_project/models/marts/indikatorer.sql)."""

    indicator_id: str
    numerator: tuple[str, ...]  # every column the numerator is computed from
    denominator: str


@dataclass(frozen=True)
class DomainMart:
    name: str
    columns: dict[str, str]  # column -> KEY | COUNT | MEASURE
    ratios: tuple[Ratio, ...]

    def protecting(self, column: str) -> list[str]:
        """Indicators whose suppression hides this column (rule 3)."""
        return [r.indicator_id for r in self.ratios if column in r.numerator]

    def denominator_of(self, column: str) -> list[str]:
        """Indicators that publish this column as their denominator (rule 3's exception)."""
        return [r.indicator_id for r in self.ratios if r.denominator == column]


_KEYS = {"period": KEY, "level": KEY, "unit_id": KEY, "unit_name": KEY}

DOMAIN_MARTS: tuple[DomainMart, ...] = (
    DomainMart(
        "tillganglighet_manad",
        {**_KEYS, "samtal_inkommande": COUNT, "samtal_besvarade_samma_dag": COUNT,
         "kontakter_bedomda": COUNT, "kontakter_bedomda_inom_3_dagar": COUNT},
        (Ratio("T1_TELEFON_SAMMA_DAG", ("samtal_besvarade_samma_dag",), "samtal_inkommande"),
         Ratio("T2_BEDOMNING_3_DAGAR", ("kontakter_bedomda_inom_3_dagar",), "kontakter_bedomda")),
    ),
    DomainMart(
        "kontinuitet_manad",
        {**_KEYS, "antal_listade": COUNT, "listade_med_fast_lakarkontakt": COUNT,
         "fte_specialist_allmanmedicin": MEASURE, "fte_st_allmanmedicin": MEASURE,
         "listade_med_fast_vardkontakt": COUNT},
        (Ratio("K1_FAST_LAKARKONTAKT", ("listade_med_fast_lakarkontakt",), "antal_listade"),
         Ratio("K2_LISTADE_PER_SPECIALIST", ("antal_listade",), "fte_specialist_allmanmedicin"),
         Ratio("K3_RIKTVARDE_TACKNING", ("fte_specialist_allmanmedicin", "fte_st_allmanmedicin"),
               "antal_listade"),
         Ratio("K8_FAST_VARDKONTAKT", ("listade_med_fast_vardkontakt",), "antal_listade")),
    ),
    # Contract 1.2. The sums of UPC and COC are sums of per-person indices, not counts: a small
    # sum is hidden with its indicator (rule 3), the persons behind it by rule 2.
    DomainMart(
        "kontinuitet_besok_manad",
        {**_KEYS, "antal_minst_tva_lakarbesok": COUNT, "upc_summa": MEASURE, "coc_summa": MEASURE,
         "antal_minst_tva_lakarbesok_sabo": COUNT, "upc_summa_sabo": MEASURE,
         "lakarbesok_listade_med_fast_lakare": COUNT, "lakarbesok_hos_fast_lakare": COUNT},
        (Ratio("K4_KONTINUITET_UPC", ("upc_summa",), "antal_minst_tva_lakarbesok"),
         Ratio("K5_KONTINUITET_COC", ("coc_summa",), "antal_minst_tva_lakarbesok"),
         Ratio("K6_BESOK_HOS_FAST_LAKARE", ("lakarbesok_hos_fast_lakare",), "lakarbesok_listade_med_fast_lakare"),
         Ratio("K7_KONTINUITET_UPC_SABO", ("upc_summa_sabo",), "antal_minst_tva_lakarbesok_sabo")),
    ),
    DomainMart(
        "mangakare_manad",
        {**_KEYS, "fonster_start": KEY, "fonster_slut": KEY, "invanare": MEASURE, "antal_mangakare": COUNT,
         "uppdrag_i_fonster": COUNT, "uppdrag_av_mangakare": COUNT, "mangakare_med_fast_lakarkontakt": COUNT},
        (Ratio("A1_MANGAKARE_PER_1000", ("antal_mangakare",), "invanare"),
         Ratio("A2_MANGAKARE_ANDEL_UPPDRAG", ("uppdrag_av_mangakare",), "uppdrag_i_fonster"),
         Ratio("A3_MANGAKARE_MED_FAST_LAKARE", ("mangakare_med_fast_lakarkontakt",), "antal_mangakare")),
    ),
    DomainMart(
        "vhu_ar",
        {**_KEYS, "antal_inbjudna": COUNT, "antal_undersokta": COUNT, "antal_lag_aktivitet": COUNT,
         "antal_lag_aktivitet_med_far": COUNT},
        (Ratio("V1_VHU_DELTAGANDE", ("antal_undersokta",), "antal_inbjudna"),
         Ratio("V2_VHU_FAR_VID_LAG_AKTIVITET", ("antal_lag_aktivitet_med_far",), "antal_lag_aktivitet")),
    ),
)

PUBLISHED_MARTS = (INDIKATORER, *(m.name for m in DOMAIN_MARTS), DQ_FINDINGS)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_indikatorer(con, threshold: float, schema: str = "marts") -> None:
    """Rule 1, verified: raise DisclosureError unless every row follows the rule of rojandekontroll.csv.

    A row is suppressed when the count its indicator protects is 1 .. threshold - 1; a suppressed row shows
    neither value nor numerator (nor its denominator where the rule hides it). Where the protected count is
    the denominator it is visible, so `suppressed` is checked both ways; where it is the numerator (K2, A1)
    only the published rows can be checked (the count of a suppressed row is hidden).
    """
    wrong_flag, leaked, undeclared = con.execute(
        f"""SELECT
              count(*) FILTER (WHERE rule.protects = 'denominator' AND i.denominator IS NOT NULL
                               AND i.suppressed IS DISTINCT FROM (i.denominator < ?)
                            OR rule.protects = 'numerator' AND NOT i.suppressed AND i.numerator > 0
                               AND i.numerator < ?),
              count(*) FILTER (WHERE i.suppressed AND (i.value IS NOT NULL OR i.numerator IS NOT NULL
                                    OR rule.hide_denominator AND i.denominator IS NOT NULL)),
              count(*) FILTER (WHERE rule.indicator_id IS NULL)
            FROM {schema}.{INDIKATORER} AS i
            LEFT JOIN {rojandekontroll.rule_values_sql()} ON rule.indicator_id = i.indicator_id""",
        [threshold, threshold]).fetchone()
    if wrong_flag or leaked or undeclared:
        raise DisclosureError(
            f"marts.indikatorer does not follow the disclosure threshold {threshold:g}: {wrong_flag} rows whose "
            f"`suppressed` does not match their protected count (rojandekontroll.csv), {leaked} suppressed rows "
            f"with a value or numerator (or a denominator the rule hides), {undeclared} rows of indicators the "
            "rule does not declare. Was the warehouse built with another NARAVARD_SUPPRESSION_THRESHOLD? "
            "Rebuild it (naravard run).")


def indikatorer_select(columns: list[str], schema: str = "marts") -> str:
    unknown = [c for c in columns if c not in INDIKATORER_COLUMNS]
    missing = [c for c in INDIKATORER_COLUMNS if c not in columns]
    if unknown or missing:
        raise DisclosureError(f"marts.indikatorer: columns {unknown} are not in the contract, {missing} are "
                              "missing; update CONTRACTS.md and orchestration/publish/disclosure.py together")
    cols = ", ".join(_q(c) for c in INDIKATORER_COLUMNS)
    return f"SELECT {cols} FROM {schema}.{INDIKATORER} ORDER BY indicator_id, period, level, unit_id"


def domain_mart_select(mart: DomainMart, columns: list[str], threshold: float, schema: str = "marts") -> str:
    """Rules 2 and 3 for one wide mart, as one SELECT over the warehouse's mart and indikatorer."""
    unknown = [c for c in columns if c not in mart.columns]
    missing = [c for c in mart.columns if c not in columns]
    if unknown or missing:
        raise DisclosureError(
            f"marts.{mart.name}: columns {unknown} have no declared kind and {missing} no longer exist. Declare "
            "each column's kind (key, count or measure) in orchestration/publish/disclosure.py before publishing.")
    ids = sorted({r.indicator_id for r in mart.ratios})
    flags = ",\n".join(
        f"  coalesce(bool_or(suppressed) FILTER (WHERE indicator_id = {_lit(i)}), false) AS {_q('hidden:' + i)},\n"
        f"  count(*) FILTER (WHERE indicator_id = {_lit(i)} AND denominator IS NOT NULL) > 0 AS {_q('shown:' + i)}"
        for i in ids)
    select = []
    for c in columns:
        kind = mart.columns[c]
        col = f"m.{_q(c)}"
        if kind == KEY:
            select.append(col)
            continue
        hide = []
        if kind == COUNT:
            hide.append(f"({col} > 0 AND {col} < {threshold:g})")
        protecting = mart.protecting(c)
        if protecting:
            hidden = " OR ".join(f"f.{_q('hidden:' + i)}" for i in protecting)
            shown = " OR ".join(f"f.{_q('shown:' + i)}" for i in mart.denominator_of(c)) or "false"
            hide.append(f"(coalesce({hidden}, false) AND NOT coalesce({shown}, false))")
        select.append(f"CASE WHEN {' OR '.join(hide)} THEN NULL ELSE {col} END AS {_q(c)}" if hide else col)
    join = " AND ".join(f"f.{k} IS NOT DISTINCT FROM m.{k}" for k in ROW_KEY)
    return (
        f"WITH f AS (\nSELECT period, level, unit_id,\n{flags}\nFROM {schema}.{INDIKATORER}\n"
        f"WHERE indicator_id IN ({', '.join(_lit(i) for i in ids)})\nGROUP BY period, level, unit_id\n)\n"
        f"SELECT {', '.join(select)}\nFROM {schema}.{_q(mart.name)} AS m LEFT JOIN f ON {join}\n"
        f"ORDER BY m.level, m.unit_id, m.period")


def dq_findings_select(columns: list[str], threshold: float, schema: str = "marts") -> str:
    """Rule 4: the contract's columns, small affected counts at unit levels hidden with their share."""
    missing = [c for c in DQ_COLUMNS if c not in columns]
    if missing:
        raise DisclosureError(f"marts.dq_findings lacks the contract's columns {missing} (CONTRACTS.md section 5)")
    not_people = ", ".join(_lit(c) for c in CHECKS_COUNTING_DELIVERIES)
    small = (f"(level IS DISTINCT FROM 'fil' AND check_id NOT IN ({not_people}) "
             f"AND affected > 0 AND affected < {threshold:g})")
    # The messages repeat their numbers ("Vid 2 av 3 undersökningar ..."), so a hidden count hides its message too.
    hidden_message = _lit(f"Färre än {threshold:g} berörda: antalet och meddelandet visas inte i den publicerade "
                          "kopian (docs/bi.md).")
    replaced = {"affected": "NULL", "share": "NULL", "message": hidden_message}
    select = [f"CASE WHEN {small} THEN {replaced[c]} ELSE {_q(c)} END AS {_q(c)}" if c in replaced else _q(c)
              for c in DQ_COLUMNS]
    return (f"SELECT {', '.join(select)} FROM {schema}.{DQ_FINDINGS} "
            "ORDER BY source, check_id, period, level, unit_id")


def published_selects(con, threshold: float, schema: str = "marts") -> tuple[dict[str, str], list[str]]:
    """{mart: SELECT of what may be published} for every mart the rule knows, and the marts it leaves out.

    Raises DisclosureError when indikatorer breaks rule 1 or a known mart has a column the rule does not know.
    """
    present = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ? "
            "AND table_catalog = current_database() ORDER BY table_name, ordinal_position", [schema]).fetchall():
        present.setdefault(table, []).append(column)
    if INDIKATORER not in present:
        raise DisclosureError("marts.indikatorer does not exist in the warehouse; run dbt build first")
    check_indikatorer(con, threshold, schema)
    selects = {INDIKATORER: indikatorer_select(present[INDIKATORER], schema)}
    for mart in DOMAIN_MARTS:
        if mart.name in present:
            selects[mart.name] = domain_mart_select(mart, present[mart.name], threshold, schema)
    if DQ_FINDINGS in present:
        selects[DQ_FINDINGS] = dq_findings_select(present[DQ_FINDINGS], threshold, schema)
    left_out = sorted(set(present) - set(selects))
    return selects, left_out
