"""``kglink text link`` as a user runs it: files in, JSON lines out, and ``--store`` writing
Document nodes and MENTIONS idempotently; bad files are one line on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.client import read
from tests.text.test_text_linking import news_in_english, penalty_decision

CONTRACT_KEYS = ["doc", "start", "end", "text", "type", "entity_id", "score", "evidence"]


def kglink(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                          text=True, env={**os.environ}, timeout=600)


@pytest.fixture(scope="module")
def documents(linked_graph, tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("docs")
    zh, en = folder / "case-1.txt", folder / "news-1.txt"
    zh.write_text(penalty_decision(linked_graph.world), encoding="utf-8")
    en.write_text(news_in_english(linked_graph.world), encoding="utf-8")
    return [zh, en]


def _counts(graph) -> tuple[int, int, int]:
    (row,) = read(graph.driver, graph.database,
                  "MATCH (d:Document) RETURN count(d) AS docs, "
                  "sum(COUNT { (d)-[:MENTIONS]->() }) AS mentions, "
                  "sum(d.nil_mention_count) AS nil")
    return row["docs"], row["mentions"], row["nil"]


def test_jsonl_rows_follow_the_contract(documents):
    done = kglink("text", "link", *map(str, documents))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 14
    assert all(list(r) == CONTRACT_KEYS for r in rows)
    assert [r["doc"] for r in rows] == ["case-1.txt"] * 7 + ["news-1.txt"] * 7
    text = documents[0].read_text(encoding="utf-8")
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows[:7])
    assert sum(r["entity_id"] is None for r in rows) == 3


def test_store_is_idempotent_and_feeds_entity_profile(linked_graph, documents):
    for _ in range(2):
        done = kglink("text", "link", "--store", *map(str, documents))
        assert done.returncode == 0, done.stderr
        assert "stored 2 document(s), 11 MENTIONS" in done.stderr
        assert _counts(linked_graph) == (2, 11, 3)
    org = linked_graph.world.orgs.iloc[3]
    profile = kglink("query", "run", "entity-profile", "-p",
                     f"entity_id={linked_graph.entity_of[org['true_id']]}", "--format", "json")
    (row,) = json.loads(profile.stdout)
    assert [(d["doc"], d["text"]) for d in row["documents"]] == [
        ("case-1.txt", org["name"]), ("case-1.txt", "湘电华通"),
        ("case-1.txt", org["credit_code"]), ("case-1.txt", "湘电华通公司"),
        ("news-1.txt", "Hengyang Xiangdian Huatong Pharmaceutical Co., Ltd."),
        ("news-1.txt", org["credit_code"]), ("news-1.txt", "Xiangdian Huatong")]


def test_a_changed_document_replaces_its_mentions(linked_graph, documents, tmp_path):
    changed = tmp_path / documents[1].name
    changed.write_text("Li Xiaolong called 13800138000.", encoding="utf-8")
    done = kglink("text", "link", "--store", str(changed))
    assert done.returncode == 0, done.stderr
    (row,) = read(linked_graph.driver, linked_graph.database,
                  "MATCH (d:Document {uri: 'news-1.txt'}) OPTIONAL MATCH (d)-[m:MENTIONS]->() "
                  "RETURN count(m) AS mentions, d.mention_count AS found, "
                  "d.nil_mention_count AS nil")
    assert dict(row) == {"mentions": 0, "found": 2, "nil": 2}


def test_bad_files_are_one_line_errors(tmp_path, documents):
    missing = kglink("text", "link", str(tmp_path / "nope.txt"))
    assert missing.returncode != 0
    assert missing.stderr.strip() == f"kglink: error: {tmp_path / 'nope.txt'}: no such file"
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("当事人".encode("gbk"))
    bad = kglink("text", "link", str(latin))
    assert bad.stderr.strip() == f"kglink: error: {latin}: not UTF-8 text (byte 0)"
    twin = tmp_path / "case-1.txt"
    twin.write_text("x", encoding="utf-8")
    twice = kglink("text", "link", str(documents[0]), str(twin))
    assert twice.stderr.strip() == ("kglink: error: two files share the document name "
                                    "'case-1.txt': a document is named by its file name")
    prior = kglink("text", "link", "--nil-prior", "1.5", str(documents[0]))
    assert prior.stderr.strip() == "kglink: error: nil_prior must be between 0 and 1, not 1.5"
