"""`kglink export` in every format, reopened by the libraries that read them; the HTML picture
rendered in headless Chromium; PII masking."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from graph.export.styles import label_colours
from graph.nx_bridge import subgraph_by_entity, subgraph_from_cypher

ID_P1, PHONE_P1 = "330106198001011234", "13800000001"


def kglink(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                          text=True, env=os.environ.copy(), timeout=300)


def export(tmp_path: Path, fmt: str, *args: str, name: str = "out") -> Path:
    path = tmp_path / (name if fmt == "csv" else f"{name}.{fmt}")
    out = kglink("export", *args, "--format", fmt, "-o", str(path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("wrote ")
    return path


def test_bridge_keeps_ids_labels_and_properties(known_graph):
    g = subgraph_by_entity(*known_graph, "P-0005", hops=2, context=False)
    assert isinstance(g, nx.MultiDiGraph)
    assert set(g) == {"P-0005", "P-0004", "C-0004", "P-0001", "P-0002"}
    assert g.nodes["P-0001"]["labels"] == ["NaturalPerson"]
    assert g.nodes["P-0001"]["phones"] == [PHONE_P1]
    assert {(u, v, d["type"]) for u, v, d in g.edges(data=True)} == {
        ("P-0005", "C-0004", "EMPLOYED_BY"), ("P-0004", "P-0005", "PARENT_OF"),
        ("P-0004", "P-0002", "SPOUSE_OF"), ("P-0001", "C-0004", "LEGAL_REPRESENTATIVE_OF")}
    full = subgraph_by_entity(*known_graph, "P-0001", hops=0)
    assert "公安厅户籍:1001" in full and "公安厅户籍" in full and "330000" in full
    assert full.edges["公安厅户籍:1001", "P-0001", "REFERS_TO"]["score"] == 1.0
    # a Cypher query returning only relationships: endpoints are fetched with their ids
    rings = subgraph_from_cypher(*known_graph,
                                 "MATCH (:LegalPerson)-[r:SHAREHOLDER_OF]->(b:LegalPerson) "
                                 "WHERE b.entity_id IN $ids RETURN r", {"ids": ["C-0008", "C-0009"]})
    assert set(rings) == {"C-0008", "C-0009"}
    assert sorted(d["share_ratio"] for *_, d in rings.edges(data=True)) == [0.1, 0.2]
    with pytest.raises(LookupError, match="NOPE"):
        subgraph_by_entity(*known_graph, "NOPE")


def test_graphml_and_gexf_reopen_in_networkx(known_graph, tmp_path):
    for fmt in ("graphml", "gexf"):
        path = export(tmp_path, fmt, "--entity", "P-0005", "--hops", "2")
        g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert {"P-0005", "P-0001", "C-0004", "公安厅户籍:9005", "330203"} <= set(g)
        assert g.nodes["P-0001"]["name"] == "张三"
        assert g.nodes["P-0001"]["labels"] == "NaturalPerson"
        assert json.loads(g.nodes["P-0004"]["phones"]) == ["13900000004", PHONE_P1]
        kind = "type" if fmt == "graphml" else "relationship"  # GEXF reserves `type`
        types = sorted(d[kind] for *_, d in g.edges(data=True))
        assert types.count("SPOUSE_OF") == 1 and types.count("REFERS_TO") == 10  # P1 4, P2 3, P4, P5, C4 1 each


def test_json_and_csv(known_graph, tmp_path):
    data = json.loads(export(tmp_path, "json", "--query", "circular-ownership",
                             "--no-context").read_text(encoding="utf-8"))
    assert sorted(n["id"] for n in data["nodes"]) == [f"C-000{i}" for i in (5, 6, 7, 8, 9)]
    assert len(data["edges"]) == 5 and data["directed"] and data["multigraph"]
    folder = export(tmp_path, "csv", "--query", "beneficial-owners", "-p", "entity_id=C-0003",
                    "-p", "threshold=0.2", "--no-context")
    import pandas as pd

    nodes = pd.read_csv(folder / "nodes.csv", dtype=str)
    edges = pd.read_csv(folder / "edges.csv", dtype=str)
    # the owners and the company itself, with the relationships among them
    assert sorted(nodes["id"]) == ["C-0003", "P-0001", "P-0002", "P-0003"]
    assert list(nodes.columns[:2]) == ["id", "labels"]
    assert nodes.set_index("id").loc["C-0003", "labels"] == "LegalPerson"
    assert sorted(edges[["source", "target", "type"]].itertuples(index=False, name=None)) == [
        ("P-0001", "C-0003", "EXECUTIVE_OF"), ("P-0003", "C-0003", "LEGAL_REPRESENTATIVE_OF"),
        ("P-0003", "C-0003", "SHAREHOLDER_OF")]
    assert edges.set_index("type").loc["SHAREHOLDER_OF", "share_ratio"] == "0.2"


def test_turtle_and_jsonld_parse_in_rdflib(known_graph, tmp_path):
    import warnings

    import rdflib

    warnings.filterwarnings("ignore", "ConjunctiveGraph", DeprecationWarning)
    counts = []
    for fmt, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
        path = export(tmp_path, fmt, "--entity", "C-0003", "--hops", "1")
        g = rdflib.Graph().parse(path, format=parser)
        subjects = {str(s) for s in g.subjects()}
        assert any(s.endswith("/C-0003") for s in subjects)
        assert any(s.endswith("/P-0003") for s in subjects)
        assert any("宁波丙实业有限公司" == str(o) for o in g.objects())
        counts.append(len(g))
    assert counts[0] == counts[1] > 20


def test_mask_pii_hides_ids_and_phones_everywhere(known_graph, tmp_path):
    for fmt in ("graphml", "json", "turtle", "html"):
        path = export(tmp_path, fmt, "--entity", "P-0001", "--hops", "1", "--mask-pii",
                      name=f"masked-{fmt}")
        text = path.read_text(encoding="utf-8")
        assert ID_P1 not in text and PHONE_P1 not in text and "057188880000" not in text
        assert "330*************34" in text and "138******01" in text
        assert "张三" in text
    plain = export(tmp_path, "json", "--entity", "P-0001", "--hops", "1", name="plain")
    assert ID_P1 in plain.read_text(encoding="utf-8")


def test_png_picture(known_graph, tmp_path):
    from matplotlib.image import imread

    path = export(tmp_path, "png", "--entity", "P-0001", "--hops", "2")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert coloured_pixels(imread(path), label_colours()["NaturalPerson"]) > 500


def coloured_pixels(image: np.ndarray, colour: str, tolerance: int = 30) -> int:
    """How many pixels of ``image`` (floats 0..1 or bytes) are within ``tolerance`` of ``colour``."""
    rgb = np.asarray(image)[..., :3]
    if rgb.dtype != np.uint8:
        rgb = (rgb * 255).round().astype(int)
    want = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb.astype(int) - want).max(axis=-1) <= tolerance).sum())


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_is_self_contained_and_renders_in_headless_chromium(known_graph, tmp_path):
    path = export(tmp_path, "html", "--entity", "P-0001", "--hops", "2")
    page = path.read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert "LEGAL_REPRESENTATIVE_OF" in page and "张三" in page
    browser = chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: run tests/services/ensure-chromium.sh")
        pytest.skip("chromium not installed (tests/services/ensure-chromium.sh installs it)")
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                    "--window-size=1200,800", f"--screenshot={shot}", path.as_uri()],
                   capture_output=True, timeout=120, check=True)
    from matplotlib.image import imread

    image = imread(shot)
    colours = label_colours()
    # nodes of each kind in the subgraph are drawn (filled discs, not just the legend dots)
    for label in ("NaturalPerson", "LegalPerson", "SourceRecord", "Department",
                  "AdministrativeDivision"):
        assert coloured_pixels(image, colours[label], tolerance=12) > 150, label
