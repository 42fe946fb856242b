"""The SHACL shapes accept the sample graph and reject broken data with readable messages."""

from __future__ import annotations

import copy

from onto_sample_graph import sample_graph

from ontology.rdf import subgraph_to_rdf
from ontology.validation import validate


def _rdf(nodes, rels):
    return subgraph_to_rdf([(ref, {"labels": lbl, **p}) for ref, lbl, p in nodes],
                           [(a, b, {"type": t, **p}) for a, t, b, p in rels])


def _broken():
    nodes, rels = copy.deepcopy(sample_graph())
    by_ref = {ref: props for ref, _, props in nodes}
    by_ref["P-0001"]["id_number"] = "11010519491231002"          # 17 characters
    by_ref["P-0002"]["sex"] = "男"                                # not M/F
    by_ref["P-0002"]["birth_date"] = "1980/01/01"                 # not ISO
    del by_ref["O-0002"]["uri"]                                   # required
    by_ref["O-0003"]["credit_code"] = "92430102MA4L00000I"       # I is not in the alphabet
    del by_ref["市场监管局:E-1"]["department"]                     # required
    by_ref["430100"]["code"] = "4301"                             # not 6 digits
    rels = [r for r in rels if not (r[0] == "税务局:T9" and r[1] == "FROM_DEPARTMENT")]
    rels.append(("O-0001", "SPOUSE_OF", "P-0001", {}))            # a company as a spouse
    rels.append(("P-0003", "SHAREHOLDER_OF", "O-0003", {"share_ratio": 1.2}))
    rels.append(("税务局:T9", "REFERS_TO", "P-0003", {"score": 0.5}))  # two entities
    return nodes, rels


def test_sample_graph_conforms():
    report = validate(_rdf(*sample_graph()))
    assert report.conforms, report.messages
    assert report.messages == []


def test_broken_sample_is_rejected_with_readable_messages():
    report = validate(_rdf(*_broken()))
    assert not report.conforms
    text = "\n".join(report.messages)
    expected = [
        "entity:P-0001 kg:idNumber: the ID number must be 18 characters: 17 digits and a "
        "check character 0-9 or X, at most one (value '11010519491231002')",
        "entity:P-0002 kg:sex: sex must be M or F (value '男')",
        "entity:P-0002 kg:birthDate: the birth date must be one real date (xsd:date)",
        "entity:O-0002 kg:uri: a legal person needs exactly one uri (xsd:anyURI)",
        "entity:O-0003 kg:creditCode: the unified social credit code must be 18 characters",
        "record:市场监管局:E-1 kg:department: a source record needs exactly one department",
        "division:4301 kg:code: a division needs exactly one GB/T 2260 code",
        "record:税务局:T9 kg:fromDepartment: a source record comes from exactly one Department",
        "entity:O-0001: family relations are between natural persons",
        "kg:shareRatio: a share ratio is one number between 0 and 1 (value '1.2')",
        "entity:O-0003: the current shareholdings of this legal person sum to more than 1 "
        "(value '1.2')",
        "record:税务局:T9 kg:refersTo: a source record refers to at most one entity",
    ]
    missing = [e for e in expected if e not in text]
    assert missing == [], text
    assert all(m.startswith("Violation: ") for m in report.messages)
    assert len(report.violations) == len(expected)


def test_messages_in_chinese():
    report = validate(_rdf(*_broken()), lang="zh")
    text = "\n".join(report.messages)
    assert "性别须为 M 或 F (value '男')" in text
    assert "持股比例须为 0 到 1 之间的一个数" in text
