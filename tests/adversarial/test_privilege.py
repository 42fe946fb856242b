"""Least privilege and honest limits (issue 13, items 5 and 6).

SQL sources are read-only: a hostile ``query`` fails with one line naming the source and
leaves the SQLite file (bytes, mtime, directory) and the PostgreSQL tables as they were.
User Cypher (`kglink cypher`, `query run`, `export --cypher`) refuses LOAD CSV, TERMINATE,
SHOW, administration commands and procedures outside the allow-list, by its text and by its
EXPLAIN plan, with the graph unchanged. `--limit` is validated; truncation is counted out
loud, and an export never writes part of a result.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from loaders.errors import SourceError
from loaders.ingest import ingest
from loaders.spec import load_spec
from ontology.schema import labels as L
from ontology.schema import props as P
from queries.runner import QueryFailed, RefusedStatement, check_plan, check_text, run_read
from tests.loaders.conftest import postgres_url  # noqa: F401  (the throwaway cluster)

ROWS = [(1, "张三", "430102199001011238"), (2, "李四", "430102199001011239"),
        (3, "王五", "43010219900101123X")]


def one_line_error(out: subprocess.CompletedProcess) -> str:
    """The CLI's stderr, asserted to be exactly one `kglink: error:` line and exit 1."""
    assert out.returncode == 1, (out.returncode, out.stdout, out.stderr)
    assert out.stderr.startswith("kglink: error: ") and out.stderr.count("\n") == 1, out.stderr
    return out.stderr


# -- SQL sources ---------------------------------------------------------------------------

def write_spec(folder: Path, url: str, select: str) -> Path:
    path = folder / "SOURCES.yaml"
    path.write_text(f"""sources:
  - department: 人社厅社保
    entity: person
    format: sql
    url: {json.dumps(url)}
    {select}
    id_column: rid
    columns: {{xm: name, sfz: id_number}}
""", encoding="utf-8")
    return path


def query_spec(folder: Path, url: str, query: str) -> Path:
    return write_spec(folder, url, f"query: {json.dumps(query)}")


@pytest.fixture
def sqlite_db(tmp_path) -> Path:
    import sqlite3

    (tmp_path / "db").mkdir()
    path = tmp_path / "db" / "db.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (rid INTEGER, xm TEXT, sfz TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    conn.close()
    return path


def sqlite_state(path: Path) -> tuple:
    """Everything a write could change: bytes, mtime, the directory, tables and rows."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)  # creates nothing
    tables = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    rows = conn.execute("SELECT * FROM t ORDER BY rid").fetchall()
    conn.close()
    return (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns,
            sorted(p.name for p in path.parent.iterdir()), tables, rows)


SQLITE_HOSTILE = [
    ("DROP TABLE t", "not authorized (kglink reads SQL sources read-only)"),
    ("DELETE FROM t", "not authorized (kglink reads SQL sources read-only)"),
    ("UPDATE t SET xm = 'x'", "not authorized (kglink reads SQL sources read-only)"),
    ("CREATE TABLE u (a)", "not authorized (kglink reads SQL sources read-only)"),
    ("INSERT INTO t VALUES (9, 'x', '9') RETURNING *",
     "not authorized (kglink reads SQL sources read-only)"),
    ("REPLACE INTO t VALUES (1, 'x', '9')", "not authorized (kglink reads SQL sources read-only)"),
    ("SELECT * FROM t; DROP TABLE t", "You can only execute one statement at a time."),
    ("SELECT 1; DELETE FROM t", "You can only execute one statement at a time."),
    ("ATTACH DATABASE '{dir}/new.db' AS x", "not authorized (kglink reads SQL sources read-only)"),
    ("VACUUM INTO '{dir}/copy.db'", "authorization denied (kglink reads SQL sources read-only)"),
    ("PRAGMA writable_schema = ON", "not authorized (kglink reads SQL sources read-only)"),
    ("PRAGMA journal_mode = WAL", "not authorized (kglink reads SQL sources read-only)"),
    ("/* hidden */ dRoP   TABLE t", "not authorized (kglink reads SQL sources read-only)"),
]


@pytest.mark.parametrize("query,detail", SQLITE_HOSTILE, ids=[q for q, _ in SQLITE_HOSTILE])
def test_sqlite_hostile_query_is_refused_and_the_file_untouched(tmp_path, sqlite_db, query,
                                                               detail):
    before = sqlite_state(sqlite_db)
    spec = query_spec(tmp_path, "sqlite:///db/db.sqlite", query.format(dir=sqlite_db.parent))
    with pytest.raises(SourceError) as caught:
        load_spec(spec)
    assert str(caught.value) == f"{spec} sources[0]: {detail}"
    after = sqlite_state(sqlite_db)
    assert after[2] == ["db.sqlite"]  # no journal, no attached or copied file
    assert after == before


def test_sqlite_statement_without_rows_is_refused(tmp_path, sqlite_db):
    before = sqlite_state(sqlite_db)
    spec = query_spec(tmp_path, "sqlite:///db/db.sqlite", "BEGIN")
    with pytest.raises(SourceError, match=r"sources\[0\]\.query: the statement returns no rows; "
                                          r"a SQL source is one read-only SELECT$"):
        load_spec(spec)
    assert sqlite_state(sqlite_db) == before


def test_hostile_query_through_the_cli_is_one_line_without_resource_closed(
        tmp_path, sqlite_db, kglink_cli):
    before = sqlite_state(sqlite_db)
    spec = query_spec(tmp_path, "sqlite:///db/db.sqlite", "DROP TABLE t")
    out = kglink_cli("ingest", str(spec), "--out", str(tmp_path / "out"), "--quiet")
    err = one_line_error(out)
    assert f"{spec} sources[0]: not authorized (kglink reads SQL sources read-only)" in err
    assert "ResourceClosedError" not in err and "orig" not in err
    assert sqlite_state(sqlite_db) == before


def test_missing_sqlite_file_is_an_error_and_not_created(tmp_path):
    spec = write_spec(tmp_path, "sqlite:///missing.sqlite", "table: t")
    with pytest.raises(SourceError) as caught:
        load_spec(spec)
    assert str(caught.value) == (f"{spec} sources[0].url: no SQLite database file "
                                 f"{tmp_path / 'missing.sqlite'}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["SOURCES.yaml"]


@pytest.mark.parametrize("url,message", [
    ("mysql+pymysql://u@127.0.0.1/db", "cannot make a 'mysql' connection read-only; "
                                       "supported: sqlite, postgresql"),
    ("mssql+pyodbc://u@127.0.0.1/db", "cannot make a 'mssql' connection read-only"),
    ("postgresql+pg8000://u@127.0.0.1/db", "PostgreSQL driver 'pg8000' cannot be made read-only"),
    ("sqlite://", "'sqlite://' names no SQLite database file"),
])
def test_dialects_that_cannot_be_read_only_are_refused(tmp_path, url, message):
    with pytest.raises(SourceError, match=r"sources\[0\]\.url: .*" + message.replace(
            "(", r"\(").replace(")", r"\)")):
        load_spec(write_spec(tmp_path, url, "table: t"))


def test_sqlite_reads_still_work_and_leave_the_file_alone(tmp_path, sqlite_db):
    before = sqlite_state(sqlite_db)
    for select in ("table: t", "query: \"WITH r AS (SELECT * FROM t) SELECT * FROM r\""):
        result = ingest(load_spec(write_spec(tmp_path, "sqlite:///db/db.sqlite", select)),
                        progress=False)
        assert result.persons["record_id"].tolist() == ["1", "2", "3"]
    assert sqlite_state(sqlite_db) == before


def test_wal_mode_sqlite_is_read_without_creating_wal_files(tmp_path, sqlite_db):
    import sqlite3

    with sqlite3.connect(sqlite_db) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    before = sqlite_state(sqlite_db)
    spec = write_spec(tmp_path, "sqlite:///db/db.sqlite", "table: t")
    assert ingest(load_spec(spec), progress=False).persons["record_id"].tolist() == ["1", "2",
                                                                                    "3"]
    assert sqlite_state(sqlite_db) == before and before[2] == ["db.sqlite"]
    writer = sqlite3.connect(sqlite_db)  # a live writer: its committed WAL rows are read
    writer.execute("INSERT INTO t VALUES (4, '赵六', '430102199001011240')")
    writer.commit()
    assert ingest(load_spec(spec), progress=False).persons["record_id"].tolist() == ["1", "2",
                                                                                    "3", "4"]
    writer.close()


@pytest.fixture
def pg_url(postgres_url):  # noqa: F811
    """The cluster with a fresh table t (3 rows) and a sequence s."""
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS t, u; DROP SEQUENCE IF EXISTS s"))
        conn.execute(sa.text("CREATE TABLE t (rid int, xm text, sfz text); CREATE SEQUENCE s"))
        conn.execute(sa.text("INSERT INTO t VALUES (:r, :x, :s)"),
                     [{"r": r, "x": x, "s": s} for r, x, s in ROWS])
    engine.dispose()
    return postgres_url


def pg_state(url: str) -> tuple:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = conn.execute(sa.text(
            "SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "ORDER BY relname")).fetchall()
        rows = conn.execute(sa.text("SELECT * FROM t ORDER BY rid")).fetchall()
        sequence = conn.execute(sa.text("SELECT last_value, is_called FROM s")).fetchall()
        objects = conn.execute(sa.text("SELECT count(*) FROM pg_largeobject_metadata")).scalar()
    engine.dispose()
    return tables, rows, sequence, objects


PG_HOSTILE = [  # the server-side cursor (DECLARE ... FOR) takes one SELECT only
    ("DROP TABLE t", 'syntax error at or near "DROP"'),
    ("DELETE FROM t", 'syntax error at or near "DELETE"'),
    ("UPDATE t SET xm = 'x'", 'syntax error at or near "UPDATE"'),
    ("CREATE TABLE u (a int)", 'syntax error at or near "CREATE"'),
    ("INSERT INTO t VALUES (9, 'x', '9') RETURNING *", 'syntax error at or near "INSERT"'),
    ("SELECT * FROM t; DROP TABLE t", "cannot insert multiple commands into a prepared statement"),
    ("SELECT nextval('s')", "cannot execute nextval() in a read-only transaction "
                            "(kglink reads SQL sources read-only)"),
    ("WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone",
     "DECLARE CURSOR must not contain data-modifying statements in WITH"),
    ("COPY t TO '/tmp/kglink-privilege-copy.csv'", 'syntax error at or near "COPY"'),
]


@pytest.mark.parametrize("query,detail", PG_HOSTILE, ids=[q for q, _ in PG_HOSTILE])
def test_postgresql_hostile_query_is_refused_and_the_tables_untouched(tmp_path, pg_url, query,
                                                                     detail):
    before = pg_state(pg_url)
    spec = query_spec(tmp_path, pg_url, query)
    with pytest.raises(SourceError) as caught:
        load_spec(spec)
    message = str(caught.value)
    assert message.startswith(f"{spec} sources[0]: ") and detail in message, message
    assert "\n" not in message
    assert pg_state(pg_url) == before
    assert not Path("/tmp/kglink-privilege-copy.csv").exists()


@pytest.mark.parametrize("statement,refusal", [
    ("DROP TABLE t", "cannot execute DROP TABLE in a read-only transaction"),
    ("DELETE FROM t", "cannot execute DELETE in a read-only transaction"),
    ("UPDATE t SET xm = 'x'", "cannot execute UPDATE in a read-only transaction"),
])
def test_postgresql_connection_itself_refuses_writes(tmp_path, pg_url, statement, refusal):
    """Without the cursor: the session's default read-only transaction refuses the write."""
    from loaders.readers.sql import _engine

    before = pg_state(pg_url)
    engine = _engine(load_spec(write_spec(tmp_path, pg_url, "table: t")).sources[0])
    with engine.connect() as conn, pytest.raises(sa.exc.InternalError, match=refusal):
        conn.execute(sa.text("SELECT 1"))
        conn.execute(sa.text(statement))
    engine.dispose()
    assert pg_state(pg_url) == before


def test_postgresql_side_effects_of_a_select_are_rolled_back(tmp_path, pg_url):
    before = pg_state(pg_url)
    spec = query_spec(tmp_path, pg_url, "SELECT lo_create(0)::text AS rid, 'x' AS xm, "
                                        "'430102199001011238' AS sfz")
    assert len(ingest(load_spec(spec), progress=False).persons) == 1
    assert pg_state(pg_url) == before  # the large object was never committed


def test_postgresql_session_defaults_to_read_only(tmp_path, pg_url):
    spec = query_spec(tmp_path, pg_url,
                      "SELECT current_setting('default_transaction_read_only') AS rid, "
                      "current_setting('transaction_read_only') AS xm, '1' AS sfz")
    rows = ingest(load_spec(spec), progress=False).persons
    assert rows[["record_id", "name"]].values.tolist() == [["on", "on"]]


def test_postgresql_reads_still_work(tmp_path, pg_url):
    before = pg_state(pg_url)
    result = ingest(load_spec(write_spec(tmp_path, pg_url, "table: t")), progress=False)
    assert result.persons["record_id"].tolist() == ["1", "2", "3"]
    assert pg_state(pg_url) == before


# -- read-only Cypher -------------------------------------------------------------------------

@pytest.fixture
def small_graph(graph_db):
    """Three persons; the state every refused statement must leave as it was."""
    driver, database = graph_db
    driver.execute_query(
        f"UNWIND $ids AS id CREATE (:{L.NaturalPerson} {{{P.entity_id}: id, {P.name}: 'n'}})",
        ids=["P-1", "P-2", "P-3"], database_=database)
    return driver, database


def graph_state(graph) -> tuple:
    driver, database = graph
    records, _, _ = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY elementId(n)",
        database_=database)
    return tuple((tuple(r["l"]), tuple(sorted(r["p"].items()))) for r in records)


LOAD = "read-only Cypher may not fetch files or URLs"
REFUSED = [
    ("LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS r RETURN r", "LOAD CSV", LOAD),
    ("LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r", "LOAD CSV", LOAD),
    ("load csv with headers from 'https://example.org/a.csv' as r return r", "LOAD CSV", LOAD),
    ("LOAD/* a comment */CSV FROM 'http://127.0.0.1:9/' AS r RETURN r", "LOAD CSV", LOAD),
    ("LOAD\n\t  CSV FROM 'http://127.0.0.1:9/' AS r RETURN r", "LOAD CSV", LOAD),
    ("LOAD\u00a0CSV FROM 'http://127.0.0.1:9/' AS r RETURN r", "LOAD CSV", LOAD),
    ("ＬＯＡＤ ＣＳＶ FROM 'http://127.0.0.1:9/' AS r RETURN r", "LOAD CSV", LOAD),
    ("LO\u200bAD CSV FROM 'http://127.0.0.1:9/' AS r RETURN r", "LOAD CSV", LOAD),
    ("MATCH (n) CALL (n) { LOAD CSV FROM 'http://127.0.0.1:9/' AS r RETURN r } RETURN r",
     "LOAD CSV", LOAD),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE",
     "may not stop other sessions' transactions"),
    ("terminate transaction 'neo4j-transaction-1'", "TERMINATE", "transactions"),
    ("SHOW TRANSACTIONS", "SHOW", "may not list transactions, settings"),
    ("show settings yield name, value", "SHOW", "may not list transactions, settings"),
    ("// show them\nSHOW/**/PROCEDURES", "SHOW", "may not list"),
    ("SHOW USERS", "SHOW", "may not list"),
    ("CREATE USER mallory SET PASSWORD 'secret-secret'", "administration command",
     "may not manage users"),
    ("GRANT ROLE admin TO mallory", "administration command", "may not manage users"),
    ("DROP DATABASE neo4j", "administration command", "may not manage users"),
    ("CALL dbms.listConfig()", "CALL dbms.listConfig", "not in kglink's read-only allow-list"),
    ("CALL dbms.components() YIELD name RETURN name", "CALL dbms.components",
     "allow-list (db.index.fulltext.queryNodes"),
    ("CALL db.clearQueryCaches()", "CALL db.clearQueryCaches", "allow-list"),
    ("CALL db.createLabel('Intruder')", "CALL db.createLabel", "allow-list"),
    ("CALL `dbms`.`listConfig`()", "CALL dbms.listConfig", "allow-list"),
    ("call /* x */ dbms.showCurrentUser()", "CALL dbms.showCurrentUser", "allow-list"),
    ("MATCH (n) CALL (n) { CALL db.awaitIndexes(5) RETURN 1 AS one } RETURN one",
     "CALL db.awaitIndexes", "allow-list"),
]


@pytest.mark.parametrize("cypher,what,why", REFUSED, ids=[c for c, _, _ in REFUSED])
def test_refused_cypher_changes_nothing(small_graph, cypher, what, why):
    before = graph_state(small_graph)
    with pytest.raises(RefusedStatement) as caught:
        run_read(*small_graph, cypher)
    assert str(caught.value).startswith(f"refused: {what}: ") and why in str(caught.value)
    assert graph_state(small_graph) == before


@pytest.mark.parametrize("cypher,what,why", REFUSED, ids=[c for c, _, _ in REFUSED])
def test_the_text_check_alone_refuses(cypher, what, why):
    with pytest.raises(RefusedStatement, match="^refused: " + what.replace(".", r"\.") + ": "):
        check_text(cypher)


PLANNED = [  # the plan check alone, on the server's own EXPLAIN
    ("LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS r RETURN r", "refused: LOAD CSV: "),
    ("SHOW TRANSACTIONS", "refused: SHOW TRANSACTIONS: "),
    ("SHOW SETTINGS", "refused: SHOW SETTINGS: "),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "refused: TERMINATE TRANSACTIONS: "),
    ("CALL dbms.listConfig()", "refused: CALL dbms.listConfig: "),
    ("MATCH (n) CALL (n) { CALL dbms.components() YIELD name RETURN name } RETURN name",
     "refused: CALL dbms.components: "),
    ("CREATE USER mallory SET PASSWORD 'secret-secret'", "refused: administration command: "),
]


@pytest.mark.parametrize("cypher,message", PLANNED, ids=[c for c, _ in PLANNED])
def test_the_explain_plan_alone_refuses(small_graph, cypher, message):
    driver, database = small_graph
    with driver.session(database=database, notifications_min_severity="OFF") as session:
        plan = session.run("EXPLAIN " + cypher).consume().plan
    with pytest.raises(RefusedStatement, match="^" + message.replace("(", r"\(")):
        check_plan(plan, database)


ALLOWED = [
    ("MATCH (n) RETURN n.entity_id AS id ORDER BY id", [["P-1"], ["P-2"], ["P-3"]]),
    # db.labels() lists every label token the database has ever held, which depends on the
    # tests that ran before; the filter keeps the answer to what this fixture created.
    ("CALL db.labels() YIELD label WHERE label = 'NaturalPerson' RETURN label",
     [["NaturalPerson"]]),
    ("RETURN 'LOAD CSV FROM x; SHOW; TERMINATE' AS s // CALL dbms.listConfig()",
     [["LOAD CSV FROM x; SHOW; TERMINATE"]]),
    ("MATCH (n {entity_id: 'P-1'}) RETURN n.show AS `show`, n.name AS `terminate`",
     [[None, "n"]]),
    ("MATCH (n) CALL (n) { RETURN n.entity_id AS id } RETURN count(id) AS c", [[3]]),
]


@pytest.mark.parametrize("cypher,rows", ALLOWED, ids=[c for c, _ in ALLOWED])
def test_allowed_reads_still_work(small_graph, cypher, rows):
    check_text(cypher)
    assert run_read(*small_graph, cypher).rows == rows


def test_every_library_query_passes_the_text_check():
    from queries.library import library

    for query in library().values():
        check_text(query.template)


def test_writes_are_still_refused_by_the_read_transaction(small_graph):
    before = graph_state(small_graph)
    with pytest.raises(Exception, match="read-only: kglink runs Cypher in read transactions"):
        run_read(*small_graph, "MATCH (n) DETACH DELETE n")
    assert graph_state(small_graph) == before


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        self.requests.append(self.path)
        body = b"a,b\n1,2\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def loopback_server():
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ids.csv", _Recorder.requests
    server.shutdown()
    server.server_close()


def test_load_csv_from_loopback_is_refused_and_never_fetched(small_graph, loopback_server,
                                                             tmp_path, kglink_cli):
    url, requests = loopback_server
    import urllib.request  # the server does answer: a fetch would have been recorded

    with urllib.request.urlopen(url.replace("ids.csv", "probe"), timeout=5) as reply:
        assert reply.status == 200
    assert requests == ["/probe"]
    cypher = f"LOAD CSV WITH HEADERS FROM '{url}' AS row RETURN row.a AS a"
    err = one_line_error(kglink_cli("cypher", cypher))
    assert "refused: LOAD CSV: read-only Cypher may not fetch files or URLs" in err
    out = tmp_path / "g.graphml"
    err = one_line_error(kglink_cli("export", "--cypher", cypher, "--format", "graphml",
                                "-o", str(out)))
    assert "refused: LOAD CSV" in err and not out.exists()
    with pytest.raises(RefusedStatement):
        run_read(*small_graph, f"CALL () {{ LOAD CSV FROM '{url}' AS r RETURN r }} RETURN r")
    assert requests == ["/probe"]


def test_terminate_does_not_kill_a_concurrent_transaction(small_graph):
    driver, database = small_graph
    with driver.session(database=database) as other:
        tx = other.begin_transaction()
        tx.run("MATCH (n) RETURN count(n)").consume()
        with driver.session(database="system") as admin:
            ids = [r["transactionId"] for r in admin.run(
                "SHOW TRANSACTIONS YIELD transactionId, currentQuery, database "
                "WHERE database = $db RETURN transactionId", db=database)]
        assert ids, "the concurrent transaction is listed"
        for tx_id in ids:
            with pytest.raises(RefusedStatement, match="^refused: TERMINATE: "):
                run_read(driver, database, "TERMINATE TRANSACTIONS $id", {"id": tx_id})
        assert tx.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 3
        tx.commit()


def test_local_server_forbids_file_urls_in_its_config(neo4j_target):
    if os.environ.get("NEO4J_URI"):
        pytest.skip("an external Neo4j: its configuration is its operator's")
    from graph.local_server import LocalNeo4j

    conf = (LocalNeo4j.from_env().conf_dir / "neo4j.conf").read_text().splitlines()
    assert "dbms.security.allow_csv_import_from_file_urls=false" in conf
    assert "dbms.security.procedures.allowlist=" in conf
    driver, database = neo4j_target
    with pytest.raises(Exception, match="allow_csv_import_from_file_urls' is false"):
        driver.execute_query("LOAD CSV FROM 'file:///etc/hostname' AS r RETURN r",
                             database_=database)


# -- honest limits ----------------------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    (["--limit", "-1"], "--limit '-1': give a positive whole number of rows, or --all"),
    (["--limit", "0"], "--limit '0': give a positive whole number of rows"),
    (["--limit", "abc"], "--limit 'abc': give a positive whole number of rows"),
    (["--limit", "2.5"], "--limit '2.5': give a positive whole number of rows"),
    (["--limit", ""], "--limit '': give a positive whole number of rows"),
    (["--limit", "5", "--all"], "--limit and --all: give one of them"),
])
def test_limit_is_validated(kglink_cli, args, message):
    for command in (["cypher", "RETURN 1"], ["query", "run", "ego-network", "-p",
                                             "entity_id=P-1"]):
        assert one_line_error(kglink_cli(*command, *args)).startswith(f"kglink: error: {message}")


def test_cypher_truncation_is_a_loud_warning_with_the_count(small_graph, kglink_cli):
    out = kglink_cli("cypher", "UNWIND range(1, 25) AS x RETURN x", "--limit", "3",
                 "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [{"x": 1}, {"x": 2}, {"x": 3}]
    assert out.stderr == ("kglink: warning: output truncated at --limit 3: 22 more rows left "
                          "out (raise --limit or use --all)\n")
    every = kglink_cli("cypher", "UNWIND range(1, 25) AS x RETURN x", "--all", "--format", "json")
    assert every.returncode == 0 and every.stderr == ""
    assert [r["x"] for r in json.loads(every.stdout)] == list(range(1, 26))


def test_runner_counts_what_it_leaves_out(small_graph):
    result = run_read(*small_graph, "UNWIND range(1, 10) AS x RETURN x", limit=4)
    assert (result.rows, result.left_out, result.truncated) == ([[1], [2], [3], [4]], 6, True)
    whole = run_read(*small_graph, "UNWIND range(1, 10) AS x RETURN x", limit=None)
    assert (len(whole.rows), whole.left_out, whole.truncated) == (10, 0, False)
    with pytest.raises(QueryFailed):
        run_read(*small_graph, "RETURN $missing AS x")


def test_export_over_the_cap_writes_nothing_and_all_exports_everything(graph_db, tmp_path,
                                                                       kglink_cli):
    driver, database = graph_db
    driver.execute_query(
        f"UNWIND range(1, 10050) AS i CREATE (:{L.NaturalPerson} "
        f"{{{P.entity_id}: 'P-' + toString(i), {P.name}: 'n'}})", database_=database)
    cypher = f"MATCH (n:{L.NaturalPerson}) RETURN n"
    out = tmp_path / "all.graphml"
    err = one_line_error(kglink_cli("export", "--cypher", cypher, "--format", "graphml",
                                "-o", str(out)))
    assert ("the query returned 10050 rows, over the export cap of 10000: 50 rows would be "
            "left out, so nothing was written (use --all to export every row)") in err
    assert not out.exists()
    done = kglink_cli("export", "--cypher", cypher, "--format", "graphml", "-o", str(out), "--all")
    assert done.returncode == 0, done.stderr
    assert "wrote 10050 nodes and 0 relationships" in done.stdout
    assert out.read_text(encoding="utf-8").count("<node ") == 10050
