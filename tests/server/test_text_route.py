"""``POST /text/link`` on a running ``kglink serve`` over the seeded graph: a text naming a
stored person and their ID number is linked to that person's entity; investigators see the
mentions as written, service keys see identifiers masked, analysts may not call it; bad
bodies are 422s."""

from __future__ import annotations

import httpx
import pytest

from graph.resolver_index import stored_records


@pytest.fixture(scope="module")
def person(seeded) -> dict:
    """A stored person with a valid ID number whose name no other entity carries."""
    records = stored_records(seeded.driver, seeded.database, "person")
    names = records.groupby("name")["entity_id"].nunique()
    valid = records[records["id_valid"].fillna(False).astype(bool)
                    & records["name"].map(names).eq(1)]
    row = valid.sort_values(["department", "record_id"]).iloc[0]
    return {"name": row["name"], "id_number": row["id_number"], "entity_id": row["entity_id"]}


def _text(person: dict) -> str:
    return f"当事人：{person['name']}，男，身份证号：{person['id_number']}，经营地址不详。"


def _post(server, role: str, body: dict) -> httpx.Response:
    return httpx.post(server.url + "/text/link", json=body, timeout=120,
                      headers={"X-API-Key": server.keys[role]})


def test_investigator_gets_each_mention_linked(server, person):
    answer = _post(server, "investigator", {"text": _text(person), "doc": "case.txt"})
    assert answer.status_code == 200, answer.text
    mentions = answer.json()["mentions"]
    start = _text(person).index(person["name"])
    id_start = _text(person).index(person["id_number"])
    assert [(m["doc"], m["start"], m["end"], m["text"], m["type"], m["entity_id"])
            for m in mentions] == [
        ("case.txt", start, start + len(person["name"]), person["name"], "person",
         person["entity_id"]),
        ("case.txt", id_start, id_start + 18, person["id_number"], "id_number",
         person["entity_id"])]
    assert mentions[0]["evidence"]["rule"] == "same_id" and mentions[0]["score"] == 1.0


def test_service_keys_see_identifiers_masked(server, person):
    answer = _post(server, "service", {"text": _text(person)})
    assert answer.status_code == 200, answer.text
    assert person["id_number"] not in answer.text
    assert [m["entity_id"] for m in answer.json()["mentions"]] == [person["entity_id"]] * 2


def test_analysts_may_not_link_text(server, person):
    assert _post(server, "analyst", {"text": _text(person)}).status_code == 403


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "x", "nil_prior": 1.5},
                                  {"text": "x", "lang": "fr"}, {"text": "x", "store": True}])
def test_bad_bodies_are_422(server, body):
    assert _post(server, "service", body).status_code == 422
