"""Where the project's own files are, independent of the working directory."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
REFERENCE_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
KOMMUNER_CSV = REFERENCE_DIR / "kommuner.csv"
VARDENHETER_CSV = REFERENCE_DIR / "vardenheter.csv"
# The disclosure rule per indicator (CONTRACTS.md section 3.1): dbt, the bench baseline, the GX suite
# of marts.indikatorer and the publish step all read this one file.
ROJANDEKONTROLL_CSV = DBT_PROJECT_DIR / "seeds" / "contract" / "rojandekontroll.csv"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
