"""Neo4j failures reach the user as one clear line, through the real CLI against a real
server of the test's own: refused or missing credentials, an unreachable or non-Bolt port, a
read out of memory (no driver retries), two concurrent loads (the second stops at once
with the holder's batch and pid; the graph equals one load's), and a server killed mid-run
(the run stops with "lost the connection", its loads cache is private, the re-run loads)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from private_neo4j import PrivateNeo4j, free_port

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="needs a Java runtime")

ERROR = "kglink: error: "
HUGE_COLLECT = "UNWIND range(1, 100000000) AS i RETURN size(collect(range(1, 64))) AS n"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[PrivateNeo4j]:
    neo4j = PrivateNeo4j(tmp_path_factory.mktemp("errors") / "home")
    neo4j.start()
    yield neo4j
    neo4j.stop()


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> Path:
    from loaders.synthetic import generate

    return generate(tmp_path_factory.mktemp("small") / "sources", persons=120,
                    organizations=30, seed=11, formats="fast")


@pytest.fixture(scope="module")
def big_spec(tmp_path_factory) -> Path:
    """Enough records that linking and storing take seconds: time to interfere."""
    from loaders.synthetic import generate

    return generate(tmp_path_factory.mktemp("big") / "sources", persons=2500,
                    organizations=400, seed=12, formats="fast")


def only_line(done) -> str:
    """The one line a failed command printed on stderr (asserts it is one, with exit 1)."""
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and len(lines) == 1, done.stderr
    assert lines[0].startswith(ERROR)
    return lines[0][len(ERROR):]


def commands(spec: Path, out: Path) -> dict[str, list[str]]:
    """One command per way kglink reaches Neo4j."""
    return {"cypher": ["cypher", "RETURN 1"],
            "query": ["query", "run", "cross-department"],
            "export": ["export", "--cypher", "MATCH (n) RETURN n LIMIT 1", "--format", "json",
                       "-o", str(out / "x.json")],
            "run": ["run", str(spec), "--quiet"]}


# -- credentials ---------------------------------------------------------------------------
# Each refused user is a distinct name: the server rate-limits a user after 3 failures.
REFUSED = [("neo4j", "wrong"), ("nobody", None), ("' OR 1=1 --", "x"), ("用户", "密码"),
           ("longpassword", "x" * 5000), ("neo4j\n", None)]


@pytest.mark.parametrize(("user", "password"), REFUSED)
def test_refused_credentials_are_one_line(server, user, password):
    done = server.kglink("cypher", "RETURN 1", env={
        "NEO4J_URI": server.uri, "NEO4J_USER": user,
        "NEO4J_PASSWORD": password if password is not None else server.password()})
    assert only_line(done) == (f"Neo4j at {server.uri} refused the credentials "
                               "(NEO4J_USER/NEO4J_PASSWORD)")


@pytest.mark.parametrize("command", ["query", "export", "run"])
def test_refused_credentials_in_every_command(server, spec, tmp_path, command):
    done = server.kglink(*commands(spec, tmp_path)[command], env={
        "NEO4J_URI": server.uri, "NEO4J_USER": f"refused-{command}", "NEO4J_PASSWORD": "x"})
    assert only_line(done) == (f"Neo4j at {server.uri} refused the credentials "
                               "(NEO4J_USER/NEO4J_PASSWORD)")
    assert not (tmp_path / "x.json").exists()


def test_repeated_refusals_name_the_rate_limit(server, monkeypatch):
    """The server locks a real user out for a few seconds after 3 failures; the message
    says so instead of the driver's text. The test waits the lock out for the next ones."""
    from graph.connection import Neo4jConnectionError, connect

    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    messages = []
    for _ in range(6):
        with pytest.raises(Neo4jConnectionError) as info:
            connect()
        messages.append(str(info.value))
    refused = f"Neo4j at {server.uri} refused the credentials (NEO4J_USER/NEO4J_PASSWORD)"
    limited = refused + " too many times in a row: correct them, then wait a few seconds"
    assert messages[0] == refused and messages[-1] == limited
    assert set(messages) == {refused, limited}
    monkeypatch.setenv("NEO4J_PASSWORD", server.password())
    wait_for(lambda: server.kglink("cypher", "RETURN 1").returncode == 0, 30,
             "the lock-out to end")


@pytest.mark.parametrize("command", ["cypher", "query", "export", "run"])
@pytest.mark.parametrize("password", [None, ""])
def test_missing_password_is_one_line(server, spec, tmp_path, command, password):
    env = {"NEO4J_URI": server.uri} | ({} if password is None else {"NEO4J_PASSWORD": password})
    done = server.kglink(*commands(spec, tmp_path)[command], env=env)
    assert only_line(done) == (f"NEO4J_URI names {server.uri} but NEO4J_PASSWORD is not set: "
                               "set NEO4J_PASSWORD (and NEO4J_USER, default neo4j)")


# -- unreachable ---------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["cypher", "query", "export", "run"])
def test_unreachable_port_is_one_line(server, spec, tmp_path, command):
    uri = f"bolt://127.0.0.1:{free_port()}"
    done = server.kglink(*commands(spec, tmp_path)[command],
                         env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "x"})
    assert only_line(done) == (f"cannot reach Neo4j at {uri} ([Errno 111] Connection refused): "
                               "is it running? (NEO4J_URI)")


def serve(listener: socket.socket, payload: bytes) -> None:
    """Answer every connection with ``payload`` and close it, as a non-Bolt service would."""
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.sendall(payload)


@pytest.mark.parametrize(("payload", "reason"), [
    (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
     "it answers HTTP, not Bolt: the Bolt port is 7687 by default"),
    (b"\x00\x01garbage!", "no Bolt handshake: the port is not a Neo4j Bolt port"),
    (b"", "no Bolt handshake: the port is not a Neo4j Bolt port"),
])
def test_non_bolt_port_is_named(server, payload, reason):
    listener = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=serve, args=(listener, payload), daemon=True).start()
    uri = f"bolt://127.0.0.1:{listener.getsockname()[1]}"
    try:
        done = server.kglink("cypher", "RETURN 1", env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "x"})
    finally:
        listener.close()
    assert only_line(done) == f"cannot reach Neo4j at {uri} ({reason}): is it running? (NEO4J_URI)"


def test_unresolvable_host_is_one_line(server):
    uri = "bolt://kglink-no-such-host.invalid:7687"
    done = server.kglink("cypher", "RETURN 1", env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "x"})
    assert re.fullmatch(rf"cannot reach Neo4j at {re.escape(uri)} \(\[Errno -\d+\] [^()]+\): "
                        r"is it running\? \(NEO4J_URI\)", only_line(done))


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "127.0.0.1:7687", "bolt:/x"])
def test_non_bolt_uri_is_refused(server, uri):
    done = server.kglink("cypher", "RETURN 1", env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "x"})
    assert only_line(done) == (f"NEO4J_URI {uri} is not a Bolt URI: it starts with one of "
                               "bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, "
                               "neo4j+ssc://")


# -- memory --------------------------------------------------------------------------------
def test_huge_collect_fails_fast_in_one_line(server):
    started = time.monotonic()
    done = server.kglink("cypher", HUGE_COLLECT)
    line = only_line(done)
    assert line.startswith("the read needs more memory than the server grants (")
    assert "dbms.memory.transaction.total.max threshold reached" in line
    assert line.endswith("): narrow it (a LIMIT, a smaller collect()) or give Neo4j more "
                         "memory (KGLINK_NEO4J_HEAP for kglink's own server)")
    assert "retried" not in done.stderr
    assert time.monotonic() - started < 120
    assert server.kglink("cypher", "RETURN 1").returncode == 0  # the server is still fine


def test_read_out_of_memory_is_not_retried(server, monkeypatch):
    """The driver retries transient errors raised by its own calls; ReadOutOfMemory comes
    out of the transaction function at the first attempt, so the work runs once."""
    from graph.client import ReadOutOfMemory, in_read_transaction
    from graph.connection import connect

    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", server.password())
    attempts = []

    def work(tx):
        attempts.append(1)
        return list(tx.run(HUGE_COLLECT))

    driver, database = connect()
    with driver, pytest.raises(ReadOutOfMemory):
        in_read_transaction(driver, database, work)
    assert attempts == [1]


# -- concurrent loads ----------------------------------------------------------------------
def graph_counts(server: PrivateNeo4j) -> str:
    done = server.kglink("cypher", "MATCH (n) UNWIND labels(n) AS l "
                         "RETURN l, count(*) AS c ORDER BY l", "--format", "json")
    rels = server.kglink("cypher", "MATCH ()-[r]->() WITH type(r) AS t, count(*) AS c "
                         "RETURN t, c ORDER BY t", "--format", "json")
    assert done.returncode == 0 and rels.returncode == 0, done.stderr + rels.stderr
    return done.stdout + rels.stdout


def test_a_held_load_lock_stops_a_run_in_one_line(server, spec, monkeypatch):
    from graph.store.load_batches import load_lock

    monkeypatch.setenv("KGLINK_HOME", str(server.home))
    before = graph_counts(server)
    with load_lock("Bheldbythetest"):
        done = server.kglink("run", str(spec), "--quiet")
    assert only_line(done) == (f"another kglink run is loading batch Bheldbythetest "
                               f"(pid {os.getpid()}); wait for it to finish, then run again")
    assert graph_counts(server) == before
    assert (server.home / "loads" / "load.lock").read_text() == ""


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_two_concurrent_runs_one_loads_the_other_stops(server, big_spec):
    lock = server.home / "loads" / "load.lock"
    first = server.popen("run", str(big_spec), "--quiet", "--bulk-import", "never")
    wait_for(lambda: lock.exists() and lock.read_text().startswith(f"{first.pid} "), 300,
             "the first run to take the load lock")
    batch = lock.read_text().split()[1]
    second = server.popen("run", str(big_spec), "--quiet", "--bulk-import", "never")
    second_out, second_err = second.communicate(timeout=600)
    first_out, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert second.returncode == 1 and second_err.splitlines() == [
        f"{ERROR}another kglink run is loading batch {batch} (pid {first.pid}); wait for it "
        "to finish, then run again"]
    once = graph_counts(server)
    again = server.kglink("run", str(big_spec), "--quiet", "--bulk-import", "never")
    assert again.returncode == 0, again.stderr
    assert graph_counts(server) == once  # the graph is one load's: re-applying changes nothing
    assert "+0 / -0 nodes, +0 / -0 relationships" in again.stdout


# -- a server killed mid-run (last: it restarts the server) ---------------------------------
def private_modes(path: Path) -> set[int]:
    return {stat.S_IMODE(p.stat().st_mode) for p in [path, *path.rglob("*")]}


def test_server_killed_mid_run_is_one_line_and_the_rerun_loads(server, tmp_path_factory):
    from loaders.synthetic import generate

    spec = generate(tmp_path_factory.mktemp("killed") / "sources", persons=2500,
                    organizations=400, seed=13, formats="fast")
    loads = server.home / "loads"
    run = server.popen("run", str(spec), "--quiet", "--bulk-import", "never")
    wait_for(lambda: any(loads.glob("B*/model.json")), 600, "the run to start storing")
    cache = next(loads.glob("B*/model.json")).parent
    os.kill(server.server_pid(), signal.SIGKILL)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 1
    assert err.splitlines() == [
        f"{ERROR}lost the connection to Neo4j at {server.uri} (the server stopped or the "
        "network failed); re-run: the load resumes where it stopped"]
    assert private_modes(cache) == {0o700, 0o600}  # the cache kept for the re-run is private
    server.start()
    again = server.kglink("run", str(spec), "--quiet", "--bulk-import", "never")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"batch {cache.name}")
    assert not cache.exists()  # the load completed: its cache is gone
