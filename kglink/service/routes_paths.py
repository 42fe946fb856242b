"""``GET /paths?from=ID&to=ID``: a shortest path between two entities (the query library's
``shortest-path``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from kglink.service.audit_trail import record_answer
from kglink.service.auth import InvestigatorOrAnalyst
from kglink.service.masking import answer
from kglink.service.openapi import documented
from queries.library import run_query

router = APIRouter(tags=["paths"])


@router.get("/paths", summary="A shortest path between two entities over party relations",
            responses=documented({"paths": [{
                "length": 2, "entity_ids": ["P014699FC2BEABD95", "O375A06F1C72D5F5F",
                                            "P09875F8FFF867E5D"],
                "names": ["蒋敏", "张家界沅澧智远机械设备有限责任公司", "吴秀英"],
                "relationships": ["EMPLOYED_BY", "EMPLOYED_BY"]}]}, 400, 422))
def paths(request: Request, caller: InvestigatorOrAnalyst,
          source: str = Query(alias="from", min_length=1, max_length=128,
                              examples=["P014699FC2BEABD95"], description="one entity_id"),
          target: str = Query(alias="to", min_length=1, max_length=128,
                              examples=["P09875F8FFF867E5D"], description="the other"),
          max_hops: int = Query(6, ge=1, le=15, examples=[6],
                                description="the longest path considered")) -> Any:
    driver, database = request.app.state.graph
    result = run_query(driver, database, "shortest-path",
                       {"source_id": source, "target_id": target, "max_hops": max_hops})
    found = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    record_answer(request, [e for p in found for e in p["entity_ids"]], len(found))
    return answer(caller, {"paths": found})
