"""``POST /records``: add one record to the graph and resolve it incrementally
(``kglink.api.Resolver.add_record``): the answer says whether it started a new entity,
joined one, merged several or reshaped them, with the merge and split events written, as
a batch run over the same records would have drawn them."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from graph.record_add import RecordExists
from graph.store.load_batches import LoadInProgress
from kglink.service.audit_trail import record_answer
from kglink.service.auth import Caller, allow
from kglink.service.masking import answer
from kglink.service.openapi import documented
from kglink.service.resolver import shared_resolver
from kglink.service.routes_resolve import RECORD_EXAMPLE, Value, candidates_json

router = APIRouter(tags=["records"])
Service = Annotated[Caller, Depends(allow("service"))]
ADDED_EXAMPLE = {
    "record": "卫健委:WJ0000815", "entity_id": "P0C21C39976DED9E3", "outcome": "merged",
    "touched": ["P0C21C39976DED9E3", "P3C5BC5F988B727C2"],
    "events": [{"event_id": "M8586e010ee3db199", "type": "merge",
                "entity_id": "P0C21C39976DED9E3", "merged_from": ["P3C5BC5F988B727C2"],
                "split_into": None}],
    "candidates": [{"entity_id": "P0C21C39976DED9E3", "score": 0.999871, "match": True,
                    "record": "公安厅户籍:GA0000136", "evidence": {"rule": "fellegi_sunter"}}]}


class AddRequest(BaseModel):
    """One record with canonical field names, and the department and id it is kept under."""

    model_config = ConfigDict(extra="forbid")
    entity: Literal["person", "organization"] = "person"
    department: str = Field(min_length=1, max_length=200)
    record_id: str = Field(min_length=1, max_length=200)
    record: dict[str, Value]


@router.post("/records", summary="Add a record to the graph and resolve it: new entity, "
             "join or merge", responses=documented(ADDED_EXAMPLE, 409, 413, 422, 503))
def add_record(request: Request, caller: Service, body: Annotated[AddRequest, Body(examples=[
        {"entity": "person", "department": "卫健委", "record_id": "WJ0000815",
         "record": RECORD_EXAMPLE}])]) -> Any:
    resolver = shared_resolver(request.app)
    record = {**body.record, "department": body.department, "record_id": body.record_id}
    try:
        added = resolver.add_record(record, body.entity)
    except (LoadInProgress, RecordExists) as exc:
        raise HTTPException(409, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    record_answer(request, [added.entity_id, *added.touched], 1,
                  params={"entity": body.entity, "record": added.record,
                          "outcome": added.outcome})
    head = answer(caller, {k: v for k, v in added.as_dict().items() if k != "candidates"})
    text = (json.dumps(head, ensure_ascii=False)[:-1] + ',"candidates":'
            + candidates_json(added.candidates, caller) + "}")
    return Response(text, media_type="application/json")
