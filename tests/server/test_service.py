"""``kglink serve`` over HTTP against the real Neo4j: keys and roles, exact answers on a
generated graph, masking, JSON errors, limits, the audit trail and its verification."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from service_process import kglink_cli, server_env

from graph.client import read
from graph.cypher_names import quote
from ontology.schema import labels as L
from ontology.schema import party_relationships
from ontology.schema import props as P
from ontology.schema import rels as R

ENTITY_LABELS = (L.NaturalPerson, L.LegalPerson)


def one(seeded, statement: str, **params):
    return [dict(r) for r in read(seeded.driver, seeded.database, statement, params)]


def person(seeded) -> dict:
    """A person with several records, a phone and an ID number, untouched by the merge (the
    first by entity_id)."""
    sizes = seeded.clusters.groupby("entity_id").size()
    ids = sorted(set(sizes[sizes >= 2].index) - {seeded.merged_id, *seeded.merged_from})
    rows = one(seeded, f"MATCH (e:{quote(L.NaturalPerson)}) WHERE e.{quote(P.entity_id)} IN $ids "
                       f"AND e.{quote(P.phone)} IS NOT NULL AND e.{quote(P.id_number)} IS NOT NULL "
                       f"RETURN properties(e) AS p ORDER BY e.{quote(P.entity_id)} LIMIT 1",
               ids=ids)
    return rows[0]["p"]


def neighbours(seeded, entity_id: str) -> set[str]:
    rows = one(seeded, f"MATCH (e {{{quote(P.entity_id)}: $id}})-[r]-(n) "
                       f"WHERE type(r) IN $types RETURN DISTINCT n.{quote(P.entity_id)} AS id",
               id=entity_id, types=list(party_relationships()))
    return {r["id"] for r in rows}


# -- keys and roles ----------------------------------------------------------------------
def test_every_route_refuses_a_missing_or_wrong_key_with_401_json(server, seeded):
    for path in ("/entities/X", "/entities/X/how", "/entities/X/network", "/paths?from=a&to=b",
                 "/search?name=x", "/keys"):
        for key in (None, "kgl_not-a-key", server.keys["investigator"] + "x"):
            response = server.get(path, key=key)
            assert response.status_code == 401, (path, key)
            assert response.json() == {
                "error": "missing, unknown or revoked API key (send X-API-Key)"}
    assert server.post("/queries/ego-network", key=None, json={}).status_code == 401


def test_a_role_the_route_does_not_allow_gets_403(server, seeded):
    entity = person(seeded)[P.entity_id]
    refused = [("service", f"/entities/{entity}"), ("analyst", f"/entities/{entity}"),
               ("analyst", "/search?name=x"), ("service", f"/entities/{entity}/network"),
               ("investigator", "/keys"), ("analyst", f"/entities/{entity}/how"),
               ("analyst", "/why?a=A:1&b=B:2")]
    for role, path in refused:
        response = server.get(path, key=role)
        assert response.status_code == 403, (role, path)
        assert response.json()["error"].startswith(f"role {role!r} may not use this route")
    assert server.post("/queries/ego-network", key="service",
                       json={"params": {"entity_id": entity}}).status_code == 403
    assert server.get(f"/entities/{entity}", key="admin").status_code == 200  # admin: all


def test_a_revoked_key_is_refused_at_once_by_the_running_server(server, seeded):
    made = kglink_cli(server.env, "keys", "add", "short-lived", "--role", "investigator")
    key = made.stdout.strip()
    entity = person(seeded)[P.entity_id]
    assert server.get(f"/entities/{entity}", key=key).status_code == 200
    revoked = kglink_cli(server.env, "keys", "revoke", "short-lived")
    assert revoked.returncode == 0 and revoked.stdout.startswith("revoked: short-lived")
    response = server.get(f"/entities/{entity}", key=key)
    assert response.status_code == 401
    listed = kglink_cli(server.env, "keys", "list").stdout
    assert "short-lived" in listed and key not in listed


def test_admin_lists_keys_without_keys_or_hashes(server):
    response = server.get("/keys", key="admin")
    assert response.status_code == 200
    names = {k["name"]: k["role"] for k in response.json()["keys"]}
    assert {n: names[n] for n in ("service", "investigator", "analyst", "admin")} == {
        "service": "service", "investigator": "investigator", "analyst": "analyst",
        "admin": "admin"}
    text = response.text
    stored = json.loads((server.home / "keys.json").read_text())["keys"]
    assert not any(k in text for k in server.keys.values())
    assert not any(k["sha256"] in text for k in stored)


# -- exact answers -----------------------------------------------------------------------
def test_entity_profile_is_the_entity_with_its_records_and_departments(server, seeded):
    props = person(seeded)
    entity = props[P.entity_id]
    response = server.get(f"/entities/{entity}")
    assert response.status_code == 200
    body = response.json()
    mine = seeded.clusters[seeded.clusters["entity_id"] == entity]
    assert body["entity_id"] == entity and body["labels"] == [L.NaturalPerson]
    assert body["name"] == props[P.name]
    assert body["properties"][P.id_number] == props[P.id_number]
    assert body["properties"][P.phone] == props[P.phone]
    assert sorted(r["record_key"] for r in body["records"]) == sorted(
        mine["department"] + ":" + mine["record_id"])
    assert body["departments"] == sorted(set(mine["department"]))
    missing = server.get("/entities/P-NOT-THERE")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no person or company with entity_id 'P-NOT-THERE'"}


def test_how_shows_the_merge_the_judgment_caused(server, seeded):
    body = server.get(f"/entities/{seeded.merged_id}/how").json()
    assert body["entity_id"] == seeded.merged_id
    assert body["merged_from"] == seeded.merged_from
    merges = [e for e in body["events"] if e["kind"] == L.MergeEvent]
    assert len(merges) == 1
    assert merges[0]["entity_id"] == seeded.merged_id
    assert sorted(merges[0]["merged_from"]) == seeded.merged_from
    assert json.loads(merges[0]["reason"])["evidence"]["rule"] == "judgment_same"
    mine = seeded.clusters[seeded.clusters["entity_id"] == seeded.merged_id]
    assert sorted(r["record"] for r in body["records"]) == sorted(
        mine["department"] + ":" + mine["record_id"])
    assert "judgment_same" in {r["evidence"].get("rule") for r in body["records"]}
    untouched = person(seeded)[P.entity_id]
    assert server.get(f"/entities/{untouched}/how").json()["events"] == []


def test_network_holds_exactly_the_entity_and_its_neighbours(server, seeded):
    entity = person(seeded)[P.entity_id]
    body = server.get(f"/entities/{entity}/network", hops=1).json()
    expected = neighbours(seeded, entity) | {entity}
    assert {n["id"] for n in body["nodes"]} == expected
    assert all(e["type"] in party_relationships() for e in body["edges"])
    assert all(entity in (e["source"], e["target"]) or {e["source"], e["target"]} <= expected
               for e in body["edges"])
    assert server.get(f"/entities/{entity}/network", hops=7).status_code == 422


def test_paths_finds_the_one_relationship_between_two_related_entities(server, seeded):
    rows = one(seeded, f"MATCH (a:{quote(L.NaturalPerson)})-[r:{quote(R.EMPLOYED_BY)}]->(b) "
                       "WITH a, b MATCH (a)-[any]-(b) WITH a, b, collect(any) AS rs "
                       f"WHERE size(rs) = 1 RETURN a.{quote(P.entity_id)} AS a, "
                       f"b.{quote(P.entity_id)} AS b, a.{quote(P.name)} AS an, "
                       f"b.{quote(P.name)} AS bn ORDER BY a, b LIMIT 1")
    pair = rows[0]
    body = server.get("/paths", **{"from": pair["a"], "to": pair["b"]}).json()
    assert body == {"paths": [{"length": 1, "entity_ids": [pair["a"], pair["b"]],
                               "names": [pair["an"], pair["bn"]],
                               "relationships": [R.EMPLOYED_BY]}]}


def test_why_scores_a_linked_pair_as_the_batch_did(server, seeded):
    links = seeded.links
    left = links["department_l"] + ":" + links["record_id_l"]
    right = links["department_r"] + ":" + links["record_id_r"]
    entity_of = dict(zip(seeded.clusters["department"] + ":" + seeded.clusters["record_id"],
                         seeded.clusters["entity_id"], strict=True))
    pick = next(i for i in range(len(links)) if entity_of[left.iloc[i]].startswith("P")
                and entity_of[left.iloc[i]] == entity_of[right.iloc[i]])
    a, b = left.iloc[pick], right.iloc[pick]
    body = server.get("/why", a=a, b=b).json()
    assert (body["a"], body["b"], body["entity_type"], body["entity_ids"],
            body["same_entity"]) == (a, b, "person", [entity_of[a]] * 2, True)
    assert body["score"] == round(float(links["score"].iloc[pick]), 6)
    other = next(k for k, e in sorted(entity_of.items())
                 if e.startswith("P") and e != entity_of[a])
    apart = server.get("/why", a=a, b=other).json()
    assert apart["same_entity"] is False
    assert apart["entity_ids"] == [entity_of[a], entity_of[other]]
    missing = server.get("/why", a=a, b="公安厅户籍:NOPE")
    assert missing.status_code == 404
    assert missing.json()["error"].startswith(f"no stored record pair {a} / 公安厅户籍:NOPE")
    assert server.get("/why", a="no-colon", b=b).status_code == 422
    served = server.get("/why", key="service", a=a, b=b)  # the evidence holds no identifier
    assert served.status_code == 200 and served.json() == body


def test_search_by_id_phone_and_a_mistyped_name(server, seeded):
    props = person(seeded)
    entity = props[P.entity_id]
    by_id = server.get("/search", id_number=props[P.id_number]).json()["results"]
    assert [r["entity_id"] for r in by_id] == [entity]
    sharing = one(seeded, f"MATCH (e:{quote(L.NaturalPerson)}) WHERE e.{quote(P.phone)} = $p "
                          f"OR $p IN e.{quote(P.phones)} RETURN e.{quote(P.entity_id)} AS id",
                  p=props[P.phone])
    by_phone = server.get("/search", phone=props[P.phone]).json()["results"]
    assert sorted(r["entity_id"] for r in by_phone) == sorted(r["id"] for r in sharing)
    name = props[P.name]
    exact = server.get("/search", name=name).json()["results"]
    assert exact[0]["entity_id"] == entity or exact[0]["name"] == name
    typo = name[:-1] + ("甲" if name[-1] != "甲" else "乙")
    found = server.get("/search", name=typo, id_number=props[P.id_number]).json()["results"]
    assert [r["entity_id"] for r in found] == [entity]
    assert entity in [r["entity_id"] for r in
                      server.get("/search", name=typo, limit=100).json()["results"]]
    assert server.get("/search").json() == {
        "error": "give at least one of name, id_number, phone, address"}


def test_library_query_runs_read_only_with_body_parameters(server, seeded):
    entity = person(seeded)[P.entity_id]
    body = server.post("/queries/ego-network", json={"params": {"entity_id": entity,
                                                                "hops": 1}}).json()
    assert body["columns"] == ["entity_id", "labels", "name", "distance"]
    assert {r["entity_id"] for r in body["rows"]} == neighbours(seeded, entity) | {entity}
    bad = server.post("/queries/ego-network", json={"params": {"entity_id": entity,
                                                               "hops": 9}})
    assert bad.status_code == 400
    assert bad.json() == {"error": "query 'ego-network' parameter 'hops': 9 is outside 1..6"}
    unknown = server.post("/queries/drop-everything", json={})
    assert unknown.status_code == 404
    assert unknown.json()["error"].startswith("no library query 'drop-everything'")


def test_analyst_sees_no_identifier(server, seeded):
    props = person(seeded)
    entity = props[P.entity_id]
    answers = [server.get(f"/entities/{entity}/network", key="analyst", hops=1),
               server.post("/queries/entity-profile", key="analyst",
                           json={"params": {"entity_id": entity}})]
    for response in answers:
        assert response.status_code == 200
        for value in (props[P.id_number], props[P.phone], props[P.address]):
            assert value not in response.text
    assert props[P.id_number][:3] + "*" * 13 + props[P.id_number][-2:] in answers[1].text


# -- errors and limits -------------------------------------------------------------------
def test_errors_are_json_one_line_without_traceback(server):
    cases = [server.get("/entities/X/network", hops="many"),
             server.post("/queries/ego-network", content=b"{not json",
                         headers={"content-type": "application/json"}),
             server.get("/no-such-route")]
    assert [r.status_code for r in cases] == [422, 422, 404]
    assert cases[0].json() == {"error": "query parameter 'hops': Input should be a valid "
                                        "integer, unable to parse string as an integer"}
    for response in cases:
        assert response.headers["content-type"] == "application/json"
        assert "Traceback" not in response.text and "\n" not in response.json()["error"]


def test_a_body_over_one_megabyte_gets_413(server):
    big = json.dumps({"params": {"entity_id": "x" * 1_100_000}})
    response = server.post("/queries/ego-network", content=big,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"error": "request body larger than 1000000 bytes"}

    def chunks():  # no Content-Length: counted while it streams
        yield b'{"params": {"entity_id": "'
        yield from (b"x" * 10_000 for _ in range(120))
        yield b'"}}'

    streamed = server.post("/queries/ego-network", content=chunks(),
                           headers={"content-type": "application/json"})
    assert streamed.request.headers["transfer-encoding"] == "chunked"
    assert streamed.status_code == 413
    assert streamed.json() == {"error": "request body larger than 1000000 bytes"}


def test_keep_alive_answers_do_not_wait_for_a_delayed_ack(server):
    """Without TCP_NODELAY on the served socket each answer on a kept-alive connection
    waits ~40 ms for the client's delayed ACK."""
    with httpx.Client(base_url=server.url) as client:
        client.get("/openapi.json")
        took = []
        for _ in range(21):
            start = time.perf_counter()
            assert client.get("/openapi.json").status_code == 200
            took.append(time.perf_counter() - start)
    assert statistics.median(took) < 0.030


def test_openapi_documents_every_route_with_an_example(server):
    spec = server.get("/openapi.json", key=None).json()
    routes = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert routes == {("GET", "/entities/{entity_id}"), ("GET", "/entities/{entity_id}/how"),
                      ("GET", "/entities/{entity_id}/network"), ("GET", "/paths"),
                      ("GET", "/search"), ("POST", "/queries/{name}"), ("GET", "/keys"),
                      ("GET", "/why"), ("POST", "/resolve"), ("POST", "/resolve/batch"),
                      ("POST", "/records"), ("POST", "/text/link")}
    for path, ops in spec["paths"].items():
        for op in ops.values():
            ok = op["responses"]["200"]["content"]["application/json"]
            assert "example" in ok, path
            for status in ("401", "403"):
                assert "example" in op["responses"][status]["content"]["application/json"]
            for param in op.get("parameters", []):
                assert param.get("examples") or param["schema"].get("examples") \
                    or param["schema"].get("type") == "boolean" or param["name"] == "limit", \
                    (path, param["name"])


# -- the audit trail ---------------------------------------------------------------------
def test_audit_log_holds_every_call_and_verify_catches_tampering(server, seeded,
                                                                  tmp_path):
    entity = person(seeded)[P.entity_id]
    before = len(server.audit_lines())
    server.get(f"/entities/{entity}")
    server.get(f"/entities/{entity}", key="service")
    server.get("/search", key=None, id_number="430722198303220741")
    server.get("/search", id_number=person(seeded)[P.id_number])
    ego = server.post("/queries/ego-network", json={"params": {"entity_id": entity}}).json()
    server.get("/openapi.json", key=None)  # public, not audited
    entries = [json.loads(line) for line in server.audit_lines()[before:]]
    assert [(e["method"], e["route"], e["status"], e["who"]) for e in entries] == [
        ("GET", "/entities/{entity_id}", 200, "investigator"),
        ("GET", "/entities/{entity_id}", 403, "service"),
        ("GET", "/search", 401, None),
        ("GET", "/search", 200, "investigator"),
        ("POST", "/queries/{name}", 200, "investigator")]
    assert entries[0]["entities"] == [entity] and entries[0]["rows"] == 1
    assert entries[0]["params"] == {"entity_id": entity}
    assert entries[2]["params"] == {"id_number": "430*************41"}
    assert person(seeded)[P.id_number] not in json.dumps(entries, ensure_ascii=False)
    assert entries[4]["params"]["body"] == {"entity_id": entity}
    assert entries[4]["rows"] == len(ego["rows"])
    assert entries[4]["entities"] == sorted(r["entity_id"] for r in ego["rows"])
    intact = kglink_cli(server.env, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith(f"audit log intact: {len(server.audit_lines())} entries")

    def tampered(change) -> str:
        home = tmp_path / change.__name__
        home.mkdir()
        for name in ("audit.jsonl", "audit.head"):
            shutil.copy(server.home / name, home / name)
        lines = (home / "audit.jsonl").read_text(encoding="utf-8").splitlines()
        (home / "audit.jsonl").write_text("\n".join(change(lines)) + "\n", encoding="utf-8")
        result = kglink_cli(server_env(home, seeded.database), "audit", "verify")
        assert result.returncode == 1 and result.stdout == ""
        return result.stderr.strip()

    def edit_line_3(lines):
        return lines[:2] + [lines[2].replace('"status":', '"status":1')] + lines[3:]

    def delete_line_3(lines):
        return lines[:2] + lines[3:]

    def swap_lines_3_and_4(lines):
        return lines[:2] + [lines[3], lines[2]] + lines[4:]

    def cut_last_line(lines):
        return lines[:-1]

    assert tampered(edit_line_3).endswith(
        "edit_line_3/audit.jsonl:3: entry does not match its hash (edited)")
    assert tampered(delete_line_3).endswith(
        "delete_line_3/audit.jsonl:3: does not chain to the line before it (a line was "
        "edited, deleted, inserted or moved)")
    assert tampered(swap_lines_3_and_4).endswith(
        "swap_lines_3_and_4/audit.jsonl:3: does not chain to the line before it (a line was "
        "edited, deleted, inserted or moved)")
    assert "lines cut from the end" in tampered(cut_last_line)


def test_concurrent_requests_keep_one_chain(server, seeded):
    entity = person(seeded)[P.entity_id]
    before = len(server.audit_lines())
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(lambda _: server.get(f"/entities/{entity}").status_code,
                              range(48)))
    assert codes == [200] * 48
    lines = server.audit_lines()
    assert len(lines) == before + 48
    assert [json.loads(x)["seq"] for x in lines] == list(range(1, len(lines) + 1))
    result = kglink_cli(server.env, "audit", "verify")
    assert result.returncode == 0 and f"intact: {len(lines)} entries" in result.stdout


def test_schemathesis_finds_no_server_error(server, tmp_path):
    """Every route, with generated valid and invalid input, under the admin key (which may
    use every route): no 5xx."""
    schemathesis = Path(sys.executable).with_name("schemathesis")
    if not schemathesis.exists():
        pytest.skip("schemathesis is not installed (pip install -e .[dev])")
    result = subprocess.run(
        [str(schemathesis), "run", server.url + "/openapi.json", "--checks", "not_a_server_error",
         "-H", f"X-API-Key: {server.keys['admin']}", "--max-examples", "25", "--seed", "7",
         "--no-color"], capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    operations = sum(len(ops) for ops in server.get("/openapi.json").json()["paths"].values())
    assert f"Tested: {operations}" in result.stdout
    assert "Authentication failed" not in result.stdout
