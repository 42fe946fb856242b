"""Judgments: durable append-only store, latest verdict wins, bad lines reported with
file and line, and the `kglink judge` command writes to the configured file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from linking.judgments import JudgmentStore, default_path, effective_judgments


def test_store_appends_with_who_and_when_and_latest_wins(tmp_path):
    store = JudgmentStore(tmp_path / "j.jsonl")
    store.add("same", "公安厅:1", "税务局:9", who="analyst")
    store.add("different", "税务局:9", "公安厅:1", who="lead", note="checked")
    lines = (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["who"] == "analyst" and first["when"] and first["verdict"] == "same"
    assert store.effective() == {("公安厅:1", "税务局:9"): "different"}


def test_bad_input_is_refused_with_a_clear_message(tmp_path):
    store = JudgmentStore(tmp_path / "j.jsonl")
    with pytest.raises(ValueError, match="DEPT:RECORD_ID"):
        store.add("same", "no-colon", "A:1")
    with pytest.raises(ValueError, match="verdict"):
        store.add("maybe", "A:1", "A:2")
    with pytest.raises(ValueError, match="two different records"):
        store.add("same", "A:1", "A:1")
    (tmp_path / "j.jsonl").write_text('{"verdict": "same"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"j\.jsonl:1"):
        store.all()


def test_default_path_follows_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("KGLINK_JUDGMENTS", raising=False)
    monkeypatch.setenv("KGLINK_HOME", str(tmp_path))
    assert default_path() == tmp_path / "judgments.jsonl"
    monkeypatch.setenv("KGLINK_JUDGMENTS", str(tmp_path / "x.jsonl"))
    assert default_path() == tmp_path / "x.jsonl"


def test_effective_accepts_tuples():
    got = effective_judgments([("same", "B:2", "A:1"), ("different", "A:1", "B:2")])
    assert got == {("A:1", "B:2"): "different"}


def test_judge_command_records_and_rejects(tmp_path):
    env_file = tmp_path / "judgments.jsonl"
    ok = subprocess.run([sys.executable, "-m", "kglink", "judge", "same", "A:1", "B:2",
                         "--judgments", str(env_file), "--who", "tester"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert JudgmentStore(env_file).effective() == {("A:1", "B:2"): "same"}
    bad = subprocess.run([sys.executable, "-m", "kglink", "judge", "same", "A1", "B:2",
                          "--judgments", str(env_file)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0 and "DEPT:RECORD_ID" in bad.stderr
