"""``POST /queries/{name}``: a query of the library, run read-only with the body's
parameters (``queries.library.run_query``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel, Field

from kglink.service.audit_trail import record_answer
from kglink.service.auth import InvestigatorOrAnalyst
from kglink.service.errors import NotFound
from kglink.service.masking import answer
from kglink.service.openapi import documented
from queries.library import library, run_query

router = APIRouter(tags=["queries"])
MAX_ROWS = 10_000
QUERY_EXAMPLE = {"params": {"entity_id": "P014699FC2BEABD95", "hops": 2}, "limit": 100}


class QueryRequest(BaseModel):
    """The parameters of a library query and how many rows to return at most."""

    params: dict[str, Any] = Field(default_factory=dict)
    limit: int = Field(1000, ge=1, le=MAX_ROWS)


@router.post("/queries/{name}", summary="Run a library query (kglink query list)",
             responses=documented({
                 "query": "ego-network", "columns": ["entity_id", "labels", "name", "distance"],
                 "rows": [{"entity_id": "P014699FC2BEABD95", "labels": ["NaturalPerson"],
                           "name": "蒋敏", "distance": 0}], "left_out": 0}, 400, 404, 422))
def run_library_query(
        request: Request, caller: InvestigatorOrAnalyst,
        body: Annotated[QueryRequest, Body(examples=[QUERY_EXAMPLE])],
        name: str = Path(description="a query of the library", examples=["ego-network"],
                         max_length=64)) -> Any:
    if name not in library():
        raise NotFound(f"no library query {name!r}; the library: {', '.join(library())}")
    driver, database = request.app.state.graph
    result = run_query(driver, database, name, body.params, limit=body.limit)
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    entity_columns = library()[name].entities
    entities = [v for row in rows for c in entity_columns
                for v in (row.get(c) if isinstance(row.get(c), list) else [row.get(c)])]
    record_answer(request, entities, len(rows), params={"body": body.params})
    return answer(caller, {"query": name, "columns": result.columns, "rows": rows,
                           "left_out": result.left_out})
