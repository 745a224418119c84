"""The Dagster asset that publishes the serving copy.

(No `from __future__ import annotations` here: Dagster reads the context annotation at definition time.)
"""

import dagster as dg

from orchestration.privacy_asset import scan_staged
from orchestration.publish.folder import publish
from orchestration.publish.guard import PublishRefused
from orchestration.resources import QualityResource, ServingResource, WarehouseResource
from orchestration.transform import naravard_dbt_assets


@dg.asset(
    key=["serving", "naravard"],
    # After every mart and its dbt tests, so the copy is never from a half-built run.
    deps=sorted((k for k in naravard_dbt_assets.keys if k.path[0] == "marts"), key=lambda k: k.to_string()),
    group_name="serving",
    kinds={"duckdb", "parquet", "csv"},
    description="The read-only copy for BI tools: serving/naravard.duckdb (published marts and meta.publication), "
    "parquet/<mart>.parquet and indikatorer.csv, each replaced atomically. What is published follows the "
    "disclosure rule in orchestration/publish/disclosure.py (docs/bi.md). Scanned for clear personnummer before "
    "anything is renamed into place: a find publishes nothing and keeps the previous copy.",
)
def serving_copy(context: dg.AssetExecutionContext, warehouse: WarehouseResource, serving: ServingResource,
                 quality: QualityResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        try:
            publication, left_out = publish(con, serving.dir, serving.suppression_threshold,
                                            run_id=context.run.run_id, check_staged=scan_staged(quality.docs))
        except PublishRefused as e:  # one line that says what to do; retrying would not change it
            raise dg.Failure(description=str(e), allow_retries=False) from None
    if left_out:
        context.log.warning(f"not published (unknown to the disclosure rule): {', '.join(left_out)}")
    context.log.info(f"published {publication.publication_id} to {serving.dir}")
    return dg.MaterializeResult(metadata={
        "publication_id": publication.publication_id,
        "serving_dir": dg.MetadataValue.path(str(serving.dir)),
        "suppression_threshold": publication.suppression_threshold,
        "not_published": ", ".join(left_out) or "-",
        **{f"rows_{t}": n for t, n in publication.row_counts.items()},
    })
