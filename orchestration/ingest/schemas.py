"""The contract of each extract type (CONTRACTS.md section 2), written once.

The reader, the set-aside rules, the raw table DDL, the demo-data generator,
the GX suites and the tests' fixtures all derive from these definitions, so a
new column is one edit here.

Kinds of column:
- ``text``       kept as given (trimmed); ``choices`` restricts the values.
- ``date``       ``YYYY-MM-DD`` or ``YYYYMMDD``.
- ``timestamp``  ``YYYY-MM-DD HH:MM[:SS]`` (also compact date part), local time.
- ``int`` / ``decimal``  decimal comma or point; ``min``/``max`` bound it.
- ``jn``         ``J``/``N`` (empty allowed unless required) -> BOOLEAN.
- ``personnummer``  never stored in clear: becomes ``person_id`` (keyed
  pseudonym), ``person_id_class``, ``birth_year`` and ``sex``.
- ``kommunkod``  four digits.

``hsa=True`` marks a text column that holds HSA-ids.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SOURCES = ("vardgaranti", "listning", "ambulans", "vhu", "besok")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    # The value must lie inside the reporting month of the file.
    in_month: bool = False
    description: str = ""
    # The value is an HSA-id. One that holds a personnummer means shifted
    # columns; the row is set aside so the number is never stored in clear.
    hsa: bool = False


@dataclass(frozen=True)
class Extract:
    source: str
    name: str
    columns: tuple[Column, ...]
    description: str
    # Columns whose value must be unique within one delivery.
    unique: tuple[str, ...] = ()
    # Row rules across columns: (sql-free description, checked in ingest.rules).
    cross_rules: tuple[str, ...] = field(default=())
    # Added in a later minor version of the contract (besok, 1.2): a region that does not
    # deliver it yet is not late; from its own first delivery on it is expected monthly.
    expected_from_own_first: bool = False

    @property
    def key(self) -> str:
        """`vardgaranti_telefoni`: the raw table and the Dagster asset name."""
        return f"{self.source}_{self.name}"

    @property
    def folder(self) -> str:
        return self.source

    def file_name(self, month: str) -> str:
        return f"{self.name}_{month}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


YRKESGRUPP_PATTERN = r"^XS9\d\d$"
JN = ("J", "N")

TELEFONI = Extract(
    "vardgaranti",
    "telefoni",
    (
        Column("hsa_id", "text", hsa=True, required=True, description="health centre"),
        Column("datum", "date", required=True, in_month=True, description="day"),
        Column("inkommande_samtal", "int", required=True, min=0, description="incoming calls"),
        Column("besvarade_samma_dag", "int", required=True, min=0, description="answered the same day"),
    ),
    "telephone accessibility, one row per unit and day",
    unique=(),
    cross_rules=("besvarade_le_inkommande",),
)

BEDOMNING = Extract(
    "vardgaranti",
    "bedomning",
    (
        Column("kontakt_id", "text", required=True),
        Column("hsa_id", "text", hsa=True, required=True),
        Column("personnummer", "personnummer"),
        Column("kontaktdatum", "date", required=True, in_month=True),
        Column("bedomningsdatum", "date"),
        Column("yrkesgrupp", "text", description="SKR code XS9nn"),
        Column("avvikelse", "text", choices=("PvV", "MoV")),
    ),
    "medical assessment, one row per contact",
    unique=("kontakt_id",),
    cross_rules=("bedomning_not_before_kontakt", "yrkesgrupp_code"),
)

LISTNING = Extract(
    "listning",
    "listning",
    (
        Column("personnummer", "personnummer", required=True),
        Column("hsa_id", "text", hsa=True, required=True),
        Column("listningsdatum", "date"),
        Column("kommunkod", "kommunkod"),
        Column("fast_lakarkontakt", "text", hsa=True),
        Column("fast_vardkontakt", "text", hsa=True),
        Column("sarskilt_boende", "jn"),
    ),
    "listed population, snapshot at the end of the month",
)

LAKARE = Extract(
    "listning",
    "lakare",
    (
        Column("lakare_hsa_id", "text", hsa=True, required=True),
        Column("hsa_id", "text", hsa=True, required=True),
        Column(
            "kategori",
            "text",
            choices=("specialist_allmanmedicin", "st_allmanmedicin", "annan_specialist", "ovrig"),
        ),
        Column("tjanstgoringsgrad", "decimal", min=0, max=1),
    ),
    "physicians per health centre, snapshot at the end of the month",
)

UPPDRAG = Extract(
    "ambulans",
    "uppdrag",
    (
        Column("uppdrag_id", "text", required=True),
        Column("personnummer", "personnummer"),
        Column("larmtid", "timestamp", required=True, in_month=True),
        Column("prioritet", "int", min=1, max=4),
        Column("kommunkod", "kommunkod"),
        Column(
            "utfall",
            "text",
            choices=("akutmottagning", "annan_vardenhet", "ej_transport", "avliden", "avbrutet"),
        ),
        Column("retts", "text", choices=("rod", "orange", "gul", "gron", "bla")),
    ),
    "ambulance assignments, one row per assignment",
    unique=("uppdrag_id",),
)

MALGRUPP = ("40", "50", "60", "lss")

INBJUDAN = Extract(
    "vhu",
    "inbjudan",
    (
        Column("personnummer", "personnummer", required=True),
        Column("hsa_id", "text", hsa=True, required=True),
        Column("inbjudningsdatum", "date", required=True, in_month=True),
        Column("malgrupp", "text", choices=MALGRUPP),
    ),
    "VHU invitations sent in the month",
)

UNDERSOKNING = Extract(
    "vhu",
    "undersokning",
    (
        Column("personnummer", "personnummer", required=True),
        Column("hsa_id", "text", hsa=True, required=True),
        Column("undersokningsdatum", "date", required=True, in_month=True),
        Column("malgrupp", "text", choices=MALGRUPP),
        Column("bmi", "decimal", min=12, max=70),
        Column("systoliskt_bt", "int", min=40, max=300),
        Column("diastoliskt_bt", "int", min=20, max=200),
        Column("glukos", "decimal", min=0, max=50),
        Column("kolesterol", "decimal", min=0, max=30),
        Column("fysisk_aktivitet_lag", "jn"),
        Column("halsosamtal", "jn"),
        Column("far_forskriven", "jn"),
    ),
    "VHU examinations done in the month",
)

KONTAKTTYPER = ("mottagning", "hembesok", "digitalt", "telefon")

BESOK = Extract(
    "besok",
    "besok",
    (
        Column("besok_id", "text", required=True, description="visit"),
        Column("personnummer", "personnummer", description="patient"),
        Column("hsa_id", "text", hsa=True, required=True, description="health centre"),
        Column("besoksdatum", "date", required=True, in_month=True),
        Column("yrkesgrupp", "text", description="SKR code XS9nn, as in bedomning (XS915 läkare)"),
        # Empty where a unit's extract lacks it: a registration gap (a finding), not a broken row.
        Column("personal_hsa_id", "text", hsa=True, description="the practitioner who held the visit"),
        Column("kontakttyp", "text", choices=KONTAKTTYPER),
    ),
    "visits, one row per visit in the month",
    unique=("besok_id",),
    cross_rules=("yrkesgrupp_code",),
    expected_from_own_first=True,
)

EXTRACTS: tuple[Extract, ...] = (TELEFONI, BEDOMNING, LISTNING, LAKARE, UPPDRAG, INBJUDAN, UNDERSOKNING, BESOK)
BY_KEY = {e.key: e for e in EXTRACTS}

# Load metadata on every raw table, in this order, after the contract columns.
META_COLUMNS = (
    ("_reporting_month", "VARCHAR"),  # YYYY-MM from the file name
    ("_source_file", "VARCHAR"),  # file name as delivered, e.g. telefoni_2024-03.csv
    ("_source_line", "BIGINT"),  # physical line of the row in the file (header = 1)
    ("_file_sha256", "VARCHAR"),
    ("_load_id", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
    ("_extra", "VARCHAR"),  # JSON object of columns the contract does not name
)

# What a personnummer column becomes in raw.
PERSON_COLUMNS = (
    ("person_id", "VARCHAR"),  # HMAC-SHA256 hex; NULL for an unidentified person
    ("person_id_class", "VARCHAR"),  # personnummer | samordningsnummer | unidentified
    ("birth_year", "SMALLINT"),
    ("sex", "VARCHAR"),  # K | M (second-to-last digit even/odd); NULL if unidentified
)

SQL_TYPES = {
    "text": "VARCHAR",
    "kommunkod": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "int": "INTEGER",
    "decimal": "DOUBLE",
    "jn": "BOOLEAN",
}


def raw_columns(extract: Extract) -> list[tuple[str, str]]:
    """(name, DuckDB type) of the raw table, in order."""
    cols: list[tuple[str, str]] = []
    for c in extract.columns:
        if c.kind == "personnummer":
            cols.extend(PERSON_COLUMNS)
        else:
            cols.append((c.name, SQL_TYPES[c.kind]))
    cols.extend(META_COLUMNS)
    return cols


def raw_table_ddl(extract: Extract, schema: str = "raw") -> str:
    body = ",\n  ".join(f"{n} {t}" for n, t in raw_columns(extract))
    return f"CREATE TABLE IF NOT EXISTS {schema}.{extract.key} (\n  {body}\n)"
