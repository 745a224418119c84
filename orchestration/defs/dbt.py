"""The dbt models as Dagster assets, grouped by layer; dbt tests become asset checks.

Declared from the manifest, which the entry points prepare before this module is
imported (orchestration/dbt_cli.py: `make setup`, orchestration/definitions.py,
the CLI). How the build runs is orchestration/transform.py.

(No `from __future__ import annotations`: Dagster reads the context annotation.)
"""

import dagster as dg
from dagster_dbt import dbt_assets

from orchestration.dbt_cli import NaravardDbtResource, dbt_project
from orchestration.resources import WarehouseResource
from orchestration.transform import NaravardTranslator, dbt_build


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=NaravardTranslator())
def naravard_dbt_assets(context: dg.AssetExecutionContext, dbt: NaravardDbtResource, warehouse: WarehouseResource):
    yield from dbt_build(context, dbt, warehouse)


MART_KEYS = sorted((k for k in naravard_dbt_assets.keys if k.path[0] == "marts"), key=lambda k: k.to_string())
