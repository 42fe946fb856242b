"""The .cypher file format: headers, placeholders and parameter declarations (no database)."""

from __future__ import annotations

import pytest

from graph.nx_bridge import node_key
from queries.library import CYPHER_DIR, QueryError, fill_names, library, parse_query_file

HEAD = "// name: q\n// description.en: e\n// description.zh: z\n// returns: n\n"


def write(tmp_path, text: str):
    path = tmp_path / "q.cypher"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_library_file_uses_only_ontology_names_and_declared_params():
    files = sorted(CYPHER_DIR.glob("*.cypher"))
    assert len(files) == len(library()) >= 9
    for query in library().values():
        body = query.path.read_text(encoding="utf-8")
        for p in query.params:  # every declared parameter is used
            assert f"${p.name}" in body or f"{{@{p.name}}}" in body, (query.name, p.name)


def test_placeholders_fill_from_the_ontology():
    assert fill_names("MATCH (a:{NaturalPerson})-[:{REFERS_TO}]->() WHERE a.{entity_id} = $x "
                      "RETURN {k: 1}", "t") == (
        "MATCH (a:`NaturalPerson`)-[:`REFERS_TO`]->() WHERE a.`entity_id` = $x RETURN {k: 1}")


@pytest.mark.parametrize("text, message", [
    ("// name: q\n// returns: n\nRETURN 1", "header lacks '// description.en"),
    (HEAD, "no Cypher after the header"),
    (HEAD + "// param: n: int = 2\nMATCH p=()-[*1..{@n}]-() RETURN p",
     r"\{@n\} needs an int parameter with a \[lo..hi\] range"),
    (HEAD + "RETURN $missing", r"\$missing is used but not declared"),
    (HEAD + "// param: n: number = 2\nRETURN $n", "bad parameter declaration"),
    (HEAD + "// param: n: int = x\nRETURN $n", "'x' is not an int"),
])
def test_malformed_files_fail_naming_the_file(tmp_path, text, message):
    with pytest.raises(QueryError, match=message) as caught:
        parse_query_file(write(tmp_path, text))
    assert "q.cypher" in str(caught.value)


def test_bound_parameters_are_inlined_after_validation(tmp_path):
    query = parse_query_file(write(tmp_path, HEAD + "// param: n: int = 2 [1..4] -- hops\n"
                                   "MATCH p=(a)-[*1..{@n}]-() WHERE size($n) > 0 RETURN p"))
    cypher, values = query.bind({"n": "3"})
    assert "*1..3]" in cypher and values == {"n": 3}
    with pytest.raises(QueryError, match="outside 1..4"):
        query.bind({"n": 5})


def test_node_keys_are_stable_ids():
    assert node_key(["NaturalPerson"], {"entity_id": "P1", "name": "x"}) == "P1"
    assert node_key(["SourceRecord"], {"record_key": "公安厅:1"}) == "公安厅:1"
    assert node_key(["RelationRecord"], {"record_key": "公安厅:1"}) == "relation:公安厅:1"
    assert node_key(["Department"], {"name": "税务局"}) == "税务局"
    assert node_key(["AdministrativeDivision"], {"code": "330106", "name": "西湖区"}) == "330106"
    assert node_key(["Other"], {}, fallback="4:abc:1") == "4:abc:1"
