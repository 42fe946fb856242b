"""graph.client against the real Neo4j: a read past its timeout is stopped with a clear
error, the batched writer commits one transaction per batch, quiet sessions carry no
notifications, and reads run read-only."""

from __future__ import annotations

import time

import pytest
from neo4j.exceptions import ClientError

from graph.client import ReadTimedOut, quiet_session, read, write, write_batches
from graph.cypher_names import quote
from ontology.schema import labels, props

SLOW_READ = "UNWIND range(1, 100000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n"
PERSON, ENTITY_ID = quote(labels.NaturalPerson), quote(props.entity_id)
CREATE_PERSONS = (f"UNWIND $rows AS id CREATE (:{PERSON} {{{ENTITY_ID}: id}}) "
                  "RETURN count(*) AS n")


def _transaction_number(driver, database: str) -> int:
    """The number the server gave the transaction that asks (one more per transaction)."""
    [row] = read(driver, database, "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                 "WHERE currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN transactionId")
    return int(row[0].rsplit("-", 1)[1])


def test_a_read_past_its_timeout_is_stopped_with_a_clear_error(graph_db):
    driver, database = graph_db
    started = time.monotonic()
    with pytest.raises(ReadTimedOut, match=r"did not finish within its 0\.5 s timeout"):
        read(driver, database, SLOW_READ, timeout=0.5)
    assert time.monotonic() - started < 10  # the unbounded read takes far longer


def test_a_read_within_its_timeout_returns_its_rows(graph_db):
    driver, database = graph_db
    rows = read(driver, database, "UNWIND range(1, $n) AS x RETURN sum(x) AS total",
                {"n": 100}, timeout=5)
    assert [r["total"] for r in rows] == [5050]


def test_a_read_that_writes_is_refused_and_changes_nothing(graph_db):
    driver, database = graph_db
    with pytest.raises(ClientError):
        read(driver, database, f"CREATE (:{PERSON} {{{ENTITY_ID}: 'X'}})")
    assert read(driver, database, f"MATCH (n:{PERSON}) RETURN count(n) AS n")[0]["n"] == 0


def test_batched_writer_commits_one_transaction_per_batch(graph_db):
    driver, database = graph_db
    # create the label and key tokens first: the server numbers their creation as
    # transactions of their own
    write(driver, database, f"CREATE (:{PERSON} {{{ENTITY_ID}: 'warm-up'}})")
    write(driver, database, f"MATCH (n:{PERSON}) DELETE n")
    committed = []
    before = _transaction_number(driver, database)

    rows = write_batches(driver, database, CREATE_PERSONS, [f"P{i}" for i in range(2500)],
                         batch_size=1000, progress=committed.append)

    after = _transaction_number(driver, database)
    assert after - before == 4  # three batches, then the asking transaction itself
    assert rows == [{"n": 1000}, {"n": 1000}, {"n": 500}]
    assert committed == [1000, 1000, 500]
    counted = read(driver, database, f"MATCH (n:{PERSON}) "
                   f"RETURN count(n) AS n, count(DISTINCT n.{ENTITY_ID}) AS ids")
    assert (counted[0]["n"], counted[0]["ids"]) == (2500, 2500)


def test_write_returns_rows_and_passes_parameters(graph_db):
    driver, database = graph_db
    rows = write(driver, database, f"CREATE (n:{PERSON} {{{ENTITY_ID}: $id}}) "
                 f"RETURN n.{ENTITY_ID} AS id", {"id": "P-1"})
    assert rows == [{"id": "P-1"}]


def test_quiet_session_carries_no_notifications(graph_db):
    driver, database = graph_db
    statement = f"MATCH (a:{PERSON}), (b:{PERSON}) RETURN count(*) AS n"  # a cartesian product

    def notifications(session) -> list[str]:
        with session:
            summary = session.run(statement).consume()
        return [s.gql_status for s in summary.gql_status_objects if s.is_notification]

    assert notifications(driver.session(database=database))  # the server does hint
    assert notifications(quiet_session(driver, database)) == []
