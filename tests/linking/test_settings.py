"""Settings: defaults follow the fields a frame has; YAML overrides; errors name the key."""

from __future__ import annotations

import pandas as pd
import pytest

from linking.prepare import prepare
from linking.settings import LinkSettings, default_settings, load_settings


def test_defaults_follow_the_fields_present():
    western = prepare(pd.DataFrame({"department": ["A", "B"], "record_id": ["1", "2"],
                                    "given_name": ["john", "jon"],
                                    "family_name": ["smith", "smith"],
                                    "birth_date": ["1980-01-02", None]}), "person")
    s = default_settings("person", western)
    fields = [c.field for c in s.comparisons]
    assert fields[:2] == ["given_name", "family_name"] and "birth_date" in fields
    assert "id_number" not in fields and s.id_field is None
    chinese = prepare(pd.DataFrame({"department": ["A"], "record_id": ["1"], "name": ["张伟"],
                                    "id_number": ["11010519491231002X"], "id_valid": [True]}),
                      "person")
    s = default_settings("person", chinese)
    assert [c.field for c in s.comparisons][:2] == ["name", "id_number"]
    assert s.id_valid_field == "id_valid"
    keys = [p.keys for p in s.blocking]
    assert ("name_pinyin", "birth_year") not in keys  # this frame has no birth dates
    assert any(p.keys == ("id_key1",) for p in s.blocking)


def test_whole_names_beside_split_names_compare_the_whole_name():
    """One source writes whole names, another given and family names apart: the parts are
    missing on every pair across the two, so the (composed) whole name is compared; when
    at least 95% of the named records give their parts, the parts are compared."""
    def settings(whole: int, split: int):
        frame = pd.DataFrame({
            "department": ["A"] * whole + ["B"] * split,
            "record_id": [str(i) for i in range(whole + split)],
            "name": [f"mary shelley{i}" for i in range(whole)] + [None] * split,
            "given_name": [None] * whole + [f"ada{i}" for i in range(split)],
            "family_name": [None] * whole + [f"byron{i}" for i in range(split)]})
        return [c.field for c in default_settings("person", prepare(frame, "person")).comparisons]

    assert settings(whole=40, split=60) == ["name"]
    assert settings(whole=6, split=94) == ["name"]
    assert settings(whole=5, split=95) == ["given_name", "family_name"]
    assert settings(whole=0, split=100) == ["given_name", "family_name"]


def test_yaml_overrides_and_errors(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("linking:\n  person:\n    threshold: 0.9\n    blocking:\n"
                    "      - [family_name]\n      - {sorted: given_name, window: 3}\n"
                    "    comparisons:\n      - {field: given_name, kind: name, tf: true}\n",
                    encoding="utf-8")
    settings = load_settings(path)
    frame = prepare(pd.DataFrame({"department": ["A"], "record_id": ["1"],
                                  "given_name": ["x"], "family_name": ["y"]}), "person")
    es = settings.for_entity("person", frame)
    assert es.threshold == 0.9 and len(es.comparisons) == 1
    assert es.blocking[1].method == "sorted" and es.blocking[1].window == 3
    path.write_text("person:\n  treshold: 0.9\n", encoding="utf-8")
    with pytest.raises(ValueError, match="treshold"):
        load_settings(path).for_entity("person", frame)
    path.write_text("person:\n  comparisons:\n    - {field: given_name, kind: fuzzy}\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="fuzzy"):
        load_settings(path).for_entity("person", frame)
    assert LinkSettings().for_entity("person", frame).entity_type == "person"
