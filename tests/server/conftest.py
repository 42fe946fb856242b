"""Fixtures for the HTTP service tests: a small generated graph loaded with kglink.api.run
(twice: the second run obeys a "same" judgment, so one entity has a merge history) and a
real ``kglink serve`` process on a free loopback port, with its own KGLINK_HOME."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass

import httpx
import pytest
from service_process import ROOT, Server, free_port, kglink_cli, server_env


@dataclass
class Seeded:
    """The loaded graph: its clusters after both runs and the merge the judgment caused."""

    driver: object
    database: str
    clusters: object  # clusters frame after the second run
    links: object  # links frame of the second run (scored pairs with evidence)
    merged_id: str  # the entity the judgment formed
    merged_from: list[str]  # the entity ids it absorbed


@pytest.fixture(scope="module")
def seeded(neo4j_target, tmp_path_factory) -> Seeded:
    import kglink
    from graph.admin import reset_database
    from loaders.synthetic.generate import generate

    driver, database = neo4j_target
    reset_database(driver, database)
    spec = generate(tmp_path_factory.mktemp("sources"), persons=40, organizations=8, seed=5,
                    formats="fast")
    first = kglink.run(spec, driver=driver, database=database, judgments=())
    clusters = first.linked.clusters
    people = clusters[clusters["entity_type"] == "person"]
    olds = sorted(people["entity_id"].unique())[:2]
    a, b = (people[people["entity_id"] == e].iloc[0] for e in olds)
    second = kglink.run(spec, driver=driver, database=database,
                        judgments=[("same", f"{a.department}:{a.record_id}",
                                    f"{b.department}:{b.record_id}")])
    after = second.linked.clusters
    merged = after.loc[after["record_id"] == a.record_id, "entity_id"].iloc[0]
    assert after.loc[after["record_id"] == b.record_id, "entity_id"].iloc[0] == merged
    return Seeded(driver, database, after, second.linked.links, merged, sorted(set(olds) - {merged}))


@pytest.fixture(scope="module")
def server(seeded, tmp_path_factory) -> Server:
    home = tmp_path_factory.mktemp("kglink-home")
    env = server_env(home, seeded.database)
    keys = {}
    for role in ("service", "investigator", "analyst", "admin"):
        made = kglink_cli(env, "keys", "add", role, "--role", role)
        assert made.returncode == 0, made.stderr
        keys[role] = made.stdout.strip()
    port = free_port()
    log = open(home / "serve.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen([sys.executable, "-m", "kglink", "serve", "--port", str(port)],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/openapi.json", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"kglink serve did not start: {(home / 'serve.log').read_text()}")
        time.sleep(0.3)
    yield Server(url=url, home=home, env=env, keys=keys)
    process.terminate()
    process.wait(timeout=30)
    log.close()
