"""``POST /text/link``: the persons, companies and identifiers a text mentions, each linked to
a graph entity or to none (NIL), with its score and evidence (``kglink.api.TextLinker``).

The linker is built from the service's shared resolver on first use and rebuilt when the
resolver is (a newer load), so it knows the same entities the resolving routes do. The
request may give the share of mentions that mean no graph entity (``nil_prior``); else the
text's own mentions estimate it, held towards even odds while they are few.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from kglink.service.audit_trail import record_answer
from kglink.service.auth import Caller, allow
from kglink.service.masking import answer
from kglink.service.openapi import documented
from kglink.service.resolver import shared_resolver

router = APIRouter(tags=["text"])
Linker = Annotated[Caller, Depends(allow("service", "investigator"))]
MAX_CHARS = 100_000
_building = threading.Lock()
TEXT_EXAMPLE = "当事人：湖南星城智远科技有限公司，法定代表人：王建国，男，1975年4月4日出生。"
MENTION_EXAMPLE = {"doc": "case-17.txt", "start": 4, "end": 16, "text": "湖南星城智远科技有限公司",
                   "type": "organization", "entity_id": "OB335E055CD42AABC", "score": 0.98,
                   "evidence": {"alias": [1, 8.6], "bits": 8.6, "candidates": 1}}


class TextRequest(BaseModel):
    """One document's text, its name, language and the prior share of NIL mentions."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_CHARS)
    doc: str = Field("", max_length=500)
    lang: Literal["zh", "en"] | None = None
    nil_prior: float | None = Field(None, gt=0, lt=1)


@router.post("/text/link", summary="Find the entity mentions of a text and link them to the "
             "graph", responses=documented({"mentions": [MENTION_EXAMPLE]}, 413, 422, 503))
def link_text(request: Request, caller: Linker, body: Annotated[TextRequest, Body(
        examples=[{"doc": "case-17.txt", "text": TEXT_EXAMPLE}])]) -> Any:
    linker = _shared_linker(request)
    try:
        mentions = linker.link(body.text, body.doc, body.lang, body.nil_prior)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    record_answer(request, [m.entity_id for m in mentions if m.entity_id], len(mentions),
                  params={"doc": body.doc, "chars": len(body.text), "lang": body.lang})
    return answer(caller, {"mentions": [m.as_dict() for m in mentions]})


def _shared_linker(request: Request) -> Any:
    """The app's TextLinker over its current shared resolver (rebuilt when that changes)."""
    from kglink.api import TextLinker

    app = request.app
    resolver = shared_resolver(app)
    with _building:
        linker = getattr(app.state, "text_linker", None)
        if linker is None or linker.resolver is not resolver:
            linker = app.state.text_linker = TextLinker(resolver)
    return linker
