"""``POST /resolve`` and ``POST /resolve/batch``: which known entities a record (or each of
up to ``MAX_BATCH`` records) is, ranked, each with its score and evidence, scored exactly as
a batch run scores (``kglink.api.Resolver``). Requests are merged into shared
``resolve_many`` passes (``resolve_batcher``); the ``Server-Timing`` header gives the
milliseconds a request waited for its pass and that the pass took. The resolver's index of
every stored record starts building in the background when the server starts, so the
server answers at once and the first resolve waits only for what is left of the build."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kglink.service.audit_trail import record_answer
from kglink.service.auth import Caller, allow
from kglink.service.errors import log
from kglink.service.masking import masked
from kglink.service.openapi import documented
from kglink.service.resolve_batcher import CountOpen, Open, ResolveBatcher, Resolved
from kglink.service.resolver import shared_resolver
from linking.resolver import Candidate
from ontology.pii import DETECTOR, half_width


@asynccontextmanager
async def _build_in_background(app: FastAPI) -> AsyncIterator[None]:
    """Start building the app's resolver (no error when the graph keeps no model yet: the
    routes answer 503 then, and build once there is one)."""

    def build() -> None:
        try:
            shared_resolver(app)
        except HTTPException:
            pass  # no model yet
        except Exception as exc:  # noqa: BLE001 - the first resolve reports it to its caller
            log.warning("kglink: the resolver was not built at start: %s", exc)

    threading.Thread(target=build, name="kglink-resolver-build", daemon=True).start()
    yield


router = APIRouter(tags=["resolve"], lifespan=_build_in_background)
MAX_BATCH = 1000  # records per /resolve/batch call
MAX_TOP_K = 50
Service = Annotated[Caller, Depends(allow("service"))]
Value = str | int | float | None
RECORD_EXAMPLE = {"name": "蒋敏", "birth_date": "1983-03-22", "sex": "女",
                  "phone": "15057788752", "address": "湖南省常德市汉寿县东风路239号"}
CANDIDATE_EXAMPLE = {"entity_id": "P014699FC2BEABD95", "score": 0.999871, "match": True,
                     "record": "公安厅户籍:GA0000001",
                     "evidence": {"rule": "fellegi_sunter", "total": 14.2,
                                  "cmp": {"name": ["exact", 6.1], "birth_date": ["exact", 5.0],
                                          "phone": ["exact", 7.9]}}}


class ResolveRequest(BaseModel):
    """One record with canonical field names, and how many candidates to return."""

    model_config = ConfigDict(extra="forbid")
    entity: Literal["person", "organization"] = "person"
    record: dict[str, Value]
    top_k: int = Field(5, ge=1, le=MAX_TOP_K)


class ResolveBatchRequest(BaseModel):
    """Up to ``MAX_BATCH`` records of one entity type."""

    model_config = ConfigDict(extra="forbid")
    entity: Literal["person", "organization"] = "person"
    records: list[dict[str, Value]] = Field(min_length=1, max_length=MAX_BATCH)
    top_k: int = Field(5, ge=1, le=MAX_TOP_K)


@router.post("/resolve", summary="Which known entity is this record? Ranked candidates with "
             "evidence", responses=documented({"candidates": [CANDIDATE_EXAMPLE]}, 413, 422, 503))
async def resolve(request: Request, caller: Service, body: Annotated[ResolveRequest, Body(
        examples=[{"entity": "person", "record": RECORD_EXAMPLE, "top_k": 5}])]) -> Any:
    resolved = await _resolved(request, [body.record], body.entity, body.top_k)
    found = resolved.candidates[0]
    record_answer(request, [c.entity_id for c in found], len(found),
                  params={"entity": body.entity, "top_k": body.top_k,
                          "fields": sorted(body.record)})
    return _answer('{"candidates":' + candidates_json(found, caller) + "}", resolved)


@router.post("/resolve/batch", summary=f"Resolve up to {MAX_BATCH} records: one candidate "
             "list per record, in input order",
             responses=documented({"results": [{"candidates": [CANDIDATE_EXAMPLE]},
                                               {"candidates": []}]}, 413, 422, 503))
async def resolve_batch(request: Request, caller: Service, body: Annotated[
        ResolveBatchRequest, Body(examples=[{"entity": "person", "top_k": 3, "records": [
            RECORD_EXAMPLE, {"name": "张伟", "birth_date": "1990-01-02"}]}])]) -> Any:
    resolved = await _resolved(request, body.records, body.entity, body.top_k)
    found = resolved.candidates
    record_answer(request, [c.entity_id for cs in found for c in cs],
                  sum(len(cs) for cs in found),
                  params={"entity": body.entity, "top_k": body.top_k, "records": len(found)})
    return _answer('{"results":[' + ",".join(
        '{"candidates":' + candidates_json(cs, caller) + "}" for cs in found) + "]}", resolved)


async def _resolved(request: Request, records: list[dict[str, Any]], entity: str,
                    top_k: int) -> Resolved:
    """The records resolved through the app's batcher; bad input is a 422."""
    try:
        return await request.app.state.resolve_batcher.resolve(records, entity, top_k)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


def install(app: FastAPI) -> None:
    """The app's resolve batcher, and the middleware counting the resolve requests it holds
    (``resolve_batcher``)."""
    held = Open()
    app.state.resolve_batcher = ResolveBatcher(lambda: shared_resolver(app), MAX_BATCH, held)
    app.add_middleware(CountOpen, held=held, paths=frozenset({"/resolve", "/resolve/batch"}))


def candidates_json(candidates: list[Candidate], caller: Caller) -> str:
    """The candidates as a JSON array, masked for ``caller`` as ``masking.answer`` masks."""
    return "[" + ",".join(_candidate_json(c, caller.masked) for c in candidates) + "]"


def _candidate_json(candidate: Candidate, mask: bool) -> str:
    head: dict[str, Any] = {"entity_id": candidate.entity_id, "score": candidate.score,
                            "match": candidate.match, "record": candidate.record}
    evidence = candidate.evidence_json
    if mask:
        head = masked(head)
        evidence = _masked_evidence(evidence)
    return json.dumps(head, ensure_ascii=False)[:-1] + ',"evidence":' + evidence + "}"


@lru_cache(maxsize=65_536)
def _masked_evidence(evidence: str) -> str:
    """A pair's evidence JSON masked as ``masking.masked(..., "evidence")`` masks it.

    Unchanged when the detector can find nothing in the text (no escapes that could hide a
    digit, no match once full-width digits read as digits); only then decoded and masked.
    Cached: a model's evidence texts repeat (the same levels give the same text), and the
    detector costs more than the rest of a candidate's answer."""
    if "\\" not in evidence and DETECTOR.search(half_width(evidence)) is None:
        return evidence
    return json.dumps(masked(json.loads(evidence), "evidence"), ensure_ascii=False,
                      separators=(",", ":"))


def _answer(text: str, resolved: Resolved) -> Response:
    """The JSON ``text`` with the request's timings in ``Server-Timing``."""
    timing = f"queue;dur={resolved.queued_ms:.2f}, resolve;dur={resolved.resolve_ms:.2f}"
    return Response(text, media_type="application/json", headers={"Server-Timing": timing})
