"""`make dev`: the Dagster UI serves the code location through workspace.yaml and shows our assets."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from orchestration.paths import PROJECT_ROOT

WEBSERVER = str(Path(sys.executable).parent / "dagster-webserver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def test_webserver_lists_the_assets_by_group(naravard_env):
    port = _free_port()
    proc = subprocess.Popen([WEBSERVER, "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=PROJECT_ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
                break
            except OSError:
                assert time.time() < deadline, "the Dagster webserver did not come up"
                assert proc.poll() is None, "the Dagster webserver exited"
                time.sleep(1)
        nodes = _graphql(port, "{ assetNodes { assetKey { path } groupName } }")["data"]["assetNodes"]
        by_key = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
        assert by_key["raw/listning_listning"] == "raw"
        assert by_key["staging/stg_listning__listningar"] == "staging"
        assert by_key["marts/indikatorer"] == "marts"
        assert by_key["reference/vardenheter"] == "reference"
        assert by_key["serving/naravard"] == "serving"
        locations = _graphql(port, "{ workspaceOrError { ... on Workspace { locationEntries { name } } } }")
        assert [e["name"] for e in locations["data"]["workspaceOrError"]["locationEntries"]] == ["naravard"]
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # dagster ignores SIGTERM's children
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
