"""The report as its own Dagster asset, downstream of the serving copy.

Its own asset so that it shows (and can be re-run) on its own in the UI, and a
failing chart never holds back the data BI tools read.
"""

import dagster as dg

from orchestration.privacy_asset import scan_staged
from orchestration.publish import SERVING_DB
from orchestration.report import REPORT_DIR, render
from orchestration.resources import QualityResource, ServingResource


@dg.asset(
    key=["serving", "rapport"],
    deps=[dg.AssetKey(["serving", "naravard"])],
    group_name="serving",
    kinds={"html", "plotly"},
    description="The report people read: serving/rapport/index.html (Swedish; trends per region, länsdel and "
    "kommun against the targets, health centres, data-quality gaps), made from the serving copy, offline.",
)
def rapport(context: dg.AssetExecutionContext, serving: ServingResource, quality: QualityResource) -> dg.MaterializeResult:
    path = render(serving.dir / SERVING_DB, serving.dir / REPORT_DIR, check_staged=scan_staged(quality.docs))
    context.log.info(f"report written to {path}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "size_kb": round(path.stat().st_size / 1024),
    })
