"""``GET /entities/{id}`` (profile), ``/entities/{id}/how`` (merge and split history) and
``/entities/{id}/network`` (the neighbourhood, as nodes and edges)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query, Request

from graph.entity_reads import entity_history
from graph.entity_records import entity_records
from graph.nx_bridge import MAX_HOPS, subgraph_by_entity
from kglink.service.audit_trail import record_answer
from kglink.service.auth import Investigator, InvestigatorOrAnalyst
from kglink.service.errors import NotFound
from kglink.service.masking import answer
from kglink.service.openapi import documented
from ontology.schema import props as P
from queries.library import run_query

router = APIRouter(tags=["entities"])
EXAMPLE_ID = "P014699FC2BEABD95"
ENTITY_ID = Path(description="a person's or company's entity_id", examples=[EXAMPLE_ID],
                 min_length=1, max_length=128)


def _missing(entity_id: str) -> NotFound:
    return NotFound(f"no person or company with entity_id {entity_id!r}")


@router.get("/entities/{entity_id}", summary="An entity's profile: properties, records, "
            "departments", responses=documented({
                "entity_id": EXAMPLE_ID, "labels": ["NaturalPerson"], "name": "蒋敏",
                "properties": {"entity_id": EXAMPLE_ID, "name": "蒋敏",
                               "id_number": "430722198303220741"},
                "departments": ["公安厅户籍", "人社厅"],
                "records": [{"record_key": "公安厅户籍:GA000001", "department": "公安厅户籍",
                             "record_id": "GA000001", "score": 1.0}]}, 404, 422))
def entity_profile(request: Request, caller: Investigator,
                   entity_id: str = ENTITY_ID) -> Any:
    driver, database = request.app.state.graph
    result = run_query(driver, database, "entity-profile", {"entity_id": entity_id})
    if not result.rows:
        raise _missing(entity_id)
    profile = dict(zip(result.columns, result.rows[0], strict=True))
    record_answer(request, [entity_id], 1)
    return answer(caller, profile)


@router.get("/entities/{entity_id}/how",
            summary="How the entity formed: merges, splits, and the link joining each record",
            responses=documented({
                "entity_id": EXAMPLE_ID, "labels": ["NaturalPerson"],
                "merged_from": ["P5A0C0FFEE0000001"],
                "events": [{"kind": "MergeEvent", "event_id": "M0123456789abcdef",
                            "entity_id": EXAMPLE_ID, "merged_from": ["P5A0C0FFEE0000001"],
                            "split_into": None, "reason": '{"why":"linked","links":1}',
                            "batch": "B5c96e857704781f1", "at": "2026-12-03T00:00:00+00:00"}],
                "records": [{"record": "公安厅户籍:GA000001", "score": 1.0,
                             "evidence": {"rule": "model", "total": 12.4,
                                          "cmp": {"name": ["exact", 5.1]}}}]},
                404, 422))
def entity_how(request: Request, caller: Investigator,
               entity_id: str = ENTITY_ID) -> Any:
    driver, database = request.app.state.graph
    history = entity_history(driver, database, entity_id)
    if history is None:
        raise _missing(entity_id)
    involved = [entity_id, *history["merged_from"]]
    for event in history["events"]:
        involved += [event["entity_id"], *(event["merged_from"] or []),
                     *(event["split_into"] or [])]
    records = entity_records(driver, database, entity_id)
    record_answer(request, involved, len(history["events"]) + len(records))
    return answer(caller, {**history, "records": records})


@router.get("/entities/{entity_id}/network", summary="The entities within N relationships",
            responses=documented({
                "entity_id": EXAMPLE_ID, "hops": 1,
                "nodes": [{"id": EXAMPLE_ID, "labels": ["NaturalPerson"], "name": "蒋敏"},
                          {"id": "O375A06F1C72D5F5F", "labels": ["LegalPerson"],
                           "name": "张家界沅澧智远机械设备有限责任公司"}],
                "edges": [{"source": EXAMPLE_ID, "target": "O375A06F1C72D5F5F",
                           "type": "EMPLOYED_BY"}]}, 404, 422))
def entity_network(request: Request, caller: InvestigatorOrAnalyst,
                   entity_id: str = ENTITY_ID,
                   hops: int = Query(1, ge=1, le=MAX_HOPS, examples=[2],
                                     description="how many relationships away")) -> Any:
    driver, database = request.app.state.graph
    try:
        graph = subgraph_by_entity(driver, database, entity_id, hops=hops, context=False)
    except LookupError:
        raise _missing(entity_id) from None
    nodes = [{"id": key, **attrs} for key, attrs in sorted(graph.nodes(data=True))]
    edges = sorted(({"source": u, "target": v, **attrs}
                    for u, v, attrs in graph.edges(data=True)),
                   key=lambda e: (e["source"], e["target"], e["type"]))
    record_answer(request, [n.get(P.entity_id) for n in nodes], len(nodes))
    return answer(caller, {"entity_id": entity_id, "hops": hops, "nodes": nodes,
                           "edges": edges})
