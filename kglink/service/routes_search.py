"""``GET /search?name=&id_number=&phone=&address=``: entities by attributes, typos in names
allowed (``graph.entity_reads.search_entities``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from graph.entity_reads import search_entities
from kglink.service.audit_trail import record_answer
from kglink.service.auth import Investigator
from kglink.service.masking import answer
from kglink.service.openapi import documented

router = APIRouter(tags=["search"])
MAX_RESULTS = 100


@router.get("/search", summary="Find persons and companies by name, ID, phone or address",
            responses=documented({"results": [{
                "entity_id": "P014699FC2BEABD95", "labels": ["NaturalPerson"], "name": "蒋敏",
                "score": 3.2}]}, 400, 422))
def search(request: Request, caller: Investigator,
           name: str | None = Query(None, max_length=200, examples=["蒋敏"],
                                    description="a name; typos allowed unless fuzzy=false"),
           id_number: str | None = Query(None, max_length=64, examples=["430722198303220741"],
                                         description="an ID number or credit code, exact"),
           phone: str | None = Query(None, max_length=32, examples=["15057788752"],
                                     description="a phone, digits, exact"),
           address: str | None = Query(None, max_length=200, description="an address, exact",
                                       examples=["湖南省常德市汉寿县东风路239号金色家园8栋1385室"]),
           fuzzy: bool = Query(True, description="allow typos in the name"),
           limit: int = Query(20, ge=1, le=MAX_RESULTS, description="most results returned")) -> Any:
    driver, database = request.app.state.graph
    try:
        found = search_entities(driver, database, name=name, id_number=id_number, phone=phone,
                                address=address, fuzzy=fuzzy, limit=limit)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    record_answer(request, [r["entity_id"] for r in found], len(found))
    return answer(caller, {"results": found})
