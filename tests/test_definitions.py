"""The Dagster code location loads, with the assets, groups and checks we promise."""
from __future__ import annotations

import dagster as dg

from orchestration.ingest.schemas import EXTRACTS


def test_definitions_load_with_every_layer(naravard_env):
    from orchestration.definitions import defs

    repo = defs.get_repository_def()
    graph = repo.asset_graph
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {f"raw/{e.key}" for e in EXTRACTS} <= keys
    assert {"marts/indikatorer", "marts/dq_findings", "reference/kommuner", "serving/naravard"} <= keys
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert {"raw", "staging", "intermediate", "marts", "reference", "serving"} <= groups
    # dbt tests are asset checks on the models
    checks = {c.asset_key.to_user_string() for c in graph.asset_check_keys}
    assert "marts/indikatorer" in checks
    # the ingestion assets are partitioned by month; the dbt models are not
    assert graph.get(dg.AssetKey(["raw", "vardgaranti_telefoni"])).partitions_def is not None
    assert graph.get(dg.AssetKey(["marts", "indikatorer"])).partitions_def is None
    # staging depends on the ingestion assets
    parents = graph.get(dg.AssetKey(["staging", "stg_vardgaranti__telefonidagar"])).parent_keys
    assert dg.AssetKey(["raw", "vardgaranti_telefoni"]) in parents
    assert defs.resolve_job_def("naravard_full") is not None


def test_workspace_points_at_the_definitions():
    import yaml

    from orchestration.paths import PROJECT_ROOT

    ws = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())
    target = ws["load_from"][0]["python_module"]
    assert target["module_name"] == "orchestration.definitions"
    assert target["attribute"] == "defs"
