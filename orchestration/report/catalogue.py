"""What the report says about each indicator, in Swedish, and how it writes the numbers.

The ids and definitions are CONTRACTS.md section 3; this adds the words and
formats a reader needs. An indicator missing here is still shown, under its id.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from dataclasses import dataclass

NBSP = "\u00a0"
LEVELS = {"region": "Region", "lansdel": "Länsdel", "kommun": "Kommun", "vardenhet": "Vårdenhet", "fil": "Fil"}
SOURCES = {"vardgaranti": "Vårdgaranti", "listning": "Listning", "ambulans": "Ambulans", "vhu": "VHU", "besok": "Besök"}
SEVERITIES = {"ERROR": "Fel", "WARN": "Varning"}


@dataclass(frozen=True)
class IndicatorText:
    title: str
    what: str           # täljare / nämnare in words
    kind: str           # "share" (0-1, shown as %), "ratio" (a number), "per1000"
    source: str         # the dq_findings source whose gaps affect it
    better: int = 1     # +1 higher is better, -1 lower, 0 neither (colours only)
    unit: str = ""      # after a ratio, e.g. "listade per heltid"
    # The health centres' table shows the region's value and each unit's difference from it
    # (indicators without a target: the region is the yardstick).
    against_region: bool = False
    # Another indicator shown beside it in the health centres' table, e.g. SÄBO's K7 beside K4.
    beside: str | None = None
    beside_label: str = ""


INDICATORS: dict[str, IndicatorText] = {
    "T1_TELEFON_SAMMA_DAG": IndicatorText(
        "Telefonkontakt samma dag",
        "Andel av samtal och återuppringningsärenden under öppettid som besvarades samma dag "
        "(vårdgarantins första led).", "share", "vardgaranti"),
    "T2_BEDOMNING_3_DAGAR": IndicatorText(
        "Medicinsk bedömning inom 3 dagar",
        "Andel kontakter med registrerat bedömningsdatum där bedömningen gjordes inom tre kalenderdagar. "
        "Kontakter där patienten valt att vänta (PvV) räknas inte. Saknat bedömningsdatum syns bland bristerna.",
        "share", "vardgaranti"),
    "K1_FAST_LAKARKONTAKT": IndicatorText(
        "Fast läkarkontakt",
        "Andel listade med en registrerad fast läkarkontakt. Målet 55 % är det nationella målet för 2022. "
        "Registreringen är manuell; boende på SÄBO kan inte registreras alls.", "share", "listning"),
    "K2_LISTADE_PER_SPECIALIST": IndicatorText(
        "Listade per specialist i allmänmedicin",
        "Listade personer per heltid specialist i allmänmedicin. Socialstyrelsens riktvärde 1 100 är varken "
        "golv eller tak. Nämnaren är heltider, så små enheter prickas.",
        "ratio", "listning", better=0, unit="listade per heltid"),
    "K3_RIKTVARDE_TACKNING": IndicatorText(
        "Täckning av riktvärdet för läkare",
        "Läkarresursen i förhållande till riktvärdet (1 100 listade per specialist, 550 per ST-läkare). "
        "100 % betyder att riktvärdet är uppfyllt.", "share", "listning"),
    "K4_KONTINUITET_UPC": IndicatorText(
        "Kontinuitet: andel besök hos samma läkare (UPC)",
        "Bland listade med minst två läkarbesök under de senaste tolv månaderna: genomsnittlig andel av "
        "personens läkarbesök som hölls av den läkare personen träffat oftast. Mäts i besöken, inte i "
        "registreringen av fast läkarkontakt. Besök utan registrerad läkare (personal-HSA-id) räknas inte; "
        "de syns bland bristerna.", "share", "besok", against_region=True,
        beside="K7_KONTINUITET_UPC_SABO", beside_label="SÄBO"),
    "K5_KONTINUITET_COC": IndicatorText(
        "Kontinuitet: spridning på läkare (COC)",
        "Samma personer som K4: Bice-Boxermans index, 1 när alla besök hölls av samma läkare och nära 0 när "
        "varje besök hölls av en ny läkare.", "share", "besok", against_region=True),
    "K6_BESOK_HOS_FAST_LAKARE": IndicatorText(
        "Läkarbesök hos den fasta läkarkontakten",
        "Av månadens läkarbesök av listade med en registrerad fast läkarkontakt: andelen som hölls av just "
        "den läkaren.", "share", "besok", against_region=True),
    "K7_KONTINUITET_UPC_SABO": IndicatorText(
        "Kontinuitet för boende på SÄBO (UPC)",
        "K4 för listade som bor på särskilt boende (SÄBO), vars fasta läkarkontakt listningssystemet inte "
        "kan registrera: här syns om de ändå träffar samma läkare.", "share", "besok", against_region=True,
        beside="K4_KONTINUITET_UPC", beside_label="Alla (K4)"),
    "K8_FAST_VARDKONTAKT": IndicatorText(
        "Fast vårdkontakt",
        "Andel listade med en registrerad fast vårdkontakt.", "share", "listning", against_region=True),
    "A1_MANGAKARE_PER_1000": IndicatorText(
        "Mångåkare per 1 000 invånare",
        "Personer med minst fyra ambulansuppdrag under 365 dagar, per 1 000 invånare, efter kommunen för "
        "deras senaste uppdrag.", "per1000", "ambulans", better=-1, unit="per 1 000 invånare"),
    "A2_MANGAKARE_ANDEL_UPPDRAG": IndicatorText(
        "Mångåkarnas andel av ambulansuppdragen",
        "Andel av ambulansuppdragen under 365 dagar som gällde mångåkare, efter uppdragets kommun.",
        "share", "ambulans", better=-1),
    "A3_MANGAKARE_MED_FAST_LAKARE": IndicatorText(
        "Mångåkare med fast läkarkontakt",
        "Andel av mångåkarna som är listade med en fast läkarkontakt.", "share", "ambulans"),
    "V1_VHU_DELTAGANDE": IndicatorText(
        "Deltagande i Västerbottens hälsoundersökningar",
        "Personer som undersöktes under året i förhållande till personer som bjöds in. Per vårdenhet kan "
        "kvoten överstiga 100 % (undersökt på en annan enhet eller inbjuden året före).", "share", "vhu"),
    "V2_VHU_FAR_VID_LAG_AKTIVITET": IndicatorText(
        "FaR vid låg fysisk aktivitet",
        "Andel av de undersökta med låg fysisk aktivitet som fick fysisk aktivitet på recept (FaR). "
        "Ej registrerad FaR syns bland bristerna.", "share", "vhu"),
}


def swedish_key(name: str) -> str:
    """Sort å, ä, ö after z, in that order (Unicode would put ä before å)."""
    return str(name).lower().translate(str.maketrans({"å": "{", "ä": "|", "ö": "}"}))


def text_for(indicator_id: str) -> IndicatorText:
    return INDICATORS.get(indicator_id, IndicatorText(indicator_id, "", "ratio", "", better=0))


def source_of(indicator_id: str) -> str:
    return text_for(indicator_id).source


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x, decimals: int = 0) -> str:
    """Swedish: decimal comma, non-breaking space between thousands; '–' for nothing."""
    if _missing(x):
        return "–"
    # Half away from zero, as Excel and the regions' own reports round (f-strings round 11.25 to 11.2).
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    s = f"{abs(q) if q == 0 else q:,.{decimals}f}"  # never "-0,0"
    return s.replace(",", NBSP).replace(".", ",")


def scaled(indicator_id: str, x):
    """The value as the charts plot it: shares in per cent."""
    if _missing(x):
        return None
    return x * 100 if text_for(indicator_id).kind == "share" else x


def fmt_value(indicator_id: str, x) -> str:
    kind = text_for(indicator_id).kind
    if _missing(x):
        return "–"
    if kind == "share":
        return f"{number(x * 100, 1)}{NBSP}%"
    if kind == "per1000":
        return number(x, 2)
    return number(x, 0)


def fmt_cell(indicator_id: str, x) -> str:
    """Short enough for a heatmap cell: per cent without decimals or sign."""
    kind = text_for(indicator_id).kind
    if _missing(x):
        return ""
    if kind == "share":
        return number(x * 100, 0)
    return number(x, 1 if kind == "per1000" else 0)


def fmt_change(indicator_id: str, now, before) -> str:
    if _missing(now) or _missing(before):
        return ""
    kind = text_for(indicator_id).kind
    d = (now - before) * (100 if kind == "share" else 1)
    size = number(abs(d), {"share": 1, "per1000": 2}.get(kind, 0))
    # the sign of what is shown: a change that rounds to nothing is "±0,0", not "−0,0"
    sign = "±" if not any(ch in "123456789" for ch in size) else ("+" if d > 0 else "−")
    return f"{sign}{size}{NBSP}p.e." if kind == "share" else f"{sign}{size}"


def axis_suffix(indicator_id: str) -> str:
    return f"{NBSP}%" if text_for(indicator_id).kind == "share" else ""


def hover_format(indicator_id: str) -> str:
    kind = text_for(indicator_id).kind
    return {"share": ",.1f", "per1000": ",.2f"}.get(kind, ",.0f")


def meets_target(indicator_id: str, value, target) -> bool | None:
    """True/False against the target in the indicator's better direction; None without one."""
    better = text_for(indicator_id).better
    if _missing(value) or _missing(target) or better == 0:
        return None
    return value >= target if better > 0 else value <= target
