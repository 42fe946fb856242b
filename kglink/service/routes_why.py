"""``GET /why?a=DEPT:RECORD_ID&b=DEPT:RECORD_ID``: why two stored records are or are not
one entity: the model's score for the pair, whether a batch run would accept the link, and
the evidence of every comparison, and the judgment log's verdict on the pair if any
(``kglink.api.Resolver.why``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from kglink.service.audit_trail import record_answer
from kglink.service.auth import InvestigatorOrService
from kglink.service.errors import NotFound
from kglink.service.masking import answer
from kglink.service.openapi import documented
from kglink.service.resolver import shared_resolver

router = APIRouter(tags=["why"])
RECORD_KEY = {"min_length": 3, "max_length": 300, "pattern": r"^[^:]+:.+$"}


@router.get("/why", summary="Why two stored records are, or are not, the same entity",
            responses=documented({
                "a": "公安厅户籍:GA0000001", "b": "人社厅:RS0000007", "entity_type": "person",
                "entity_ids": ["P014699FC2BEABD95", "P014699FC2BEABD95"],
                "same_entity": True, "score": 0.999871, "match": True, "threshold": 0.5,
                "evidence": {"rule": "model", "total": 14.2,
                             "cmp": {"name": ["exact", 6.1], "birth_date": ["exact", 5.0]}},
                "judgment": None},
                404, 422, 503))
def why(request: Request, caller: InvestigatorOrService,
        a: str = Query(description="one record, DEPT:RECORD_ID",
                       examples=["公安厅户籍:GA0000001"], **RECORD_KEY),
        b: str = Query(description="the other record, DEPT:RECORD_ID",
                       examples=["人社厅:RS0000007"], **RECORD_KEY)) -> Any:
    resolver = shared_resolver(request.app)
    try:
        explained = resolver.why(a, b)
    except KeyError as exc:
        raise NotFound(str(exc.args[0]) if exc.args else "no such records") from None
    record_answer(request, explained["entity_ids"], 1)
    return answer(caller, explained)
