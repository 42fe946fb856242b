"""The installable package: build kglink's wheel from the repository, install it without `-e`
into a fresh venv that cannot see the repository, and run `kglink query list`, `kglink
ontology show` and a small `kglink link` from outside the repository.

The fresh venv borrows the repo venv's dependencies through a plain path in a .pth file (no
download). Such a path adds the directory to sys.path without running the .pth files inside it,
so the repo venv's editable-install finder stays inactive; the test checks that every kglink
package is imported from the fresh venv's site-packages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from rdflib import OWL, RDF, Graph, URIRef

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("kglink", "graph", "linking", "ontology", "loaders", "queries")
CONTRACT_QUERIES = {"entity-profile", "ego-network", "shortest-path", "ownership-chain",
                    "beneficial-owners", "circular-ownership", "shared-contacts",
                    "multi-role-persons", "cross-department"}
SHARED_ID = "430102198001011233"  # valid checksum; held by P1 and T1

PSB_CSV = f"""记录号,姓名,公民身份号码,出生日期,性别,手机
P1,张伟,{SHARED_ID},1980-01-01,男,13800138000
P2,李娜,430602197512124566,1975-12-12,女,13900139000
P3,王芳,430102199005057890,1990-05-05,女,13700137000
"""
TAX_CSV = f"""编号,纳税人姓名,身份证号,联系电话
T1,张伟,{SHARED_ID},13800138000
T2,刘洋,110101198502023450,13600136000
"""
SOURCES_YAML = """sources:
  - department: 公安厅户籍
    entity: person
    format: csv
    path: psb.csv
    id_column: 记录号
    columns: {姓名: name, 公民身份号码: id_number, 出生日期: birth_date, 性别: sex, 手机: phone}
  - department: 税务局
    entity: person
    format: csv
    path: tax.csv
    id_column: 编号
    columns: {纳税人姓名: name, 身份证号: id_number, 联系电话: phone}
"""


def clean_env(home: Path) -> dict[str, str]:
    """The environment without PYTHON* (no PYTHONPATH into the repo, byte-compiling on so the
    build log has no distutils notice) and KGLINK_* settings, with a throwaway KGLINK_HOME."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "KGLINK_", "VIRTUAL_ENV"))}
    return {**env, "KGLINK_HOME": str(home)}


def run(cmd: list, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"{cmd}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done


def copy_sources(target: Path) -> None:
    """The repository's top-level files and packages: the build writes build/ and *.egg-info
    beside them, which must not land in the shared checkout."""
    target.mkdir()
    for item in REPO.iterdir():
        if item.is_file():
            shutil.copy2(item, target / item.name)
    for package in PACKAGES:
        shutil.copytree(REPO / package, target / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def package_files() -> list[str]:
    """Every file of the six packages in the repository, as wheel paths."""
    return sorted(p.relative_to(REPO).as_posix() for package in PACKAGES
                  for p in (REPO / package).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin dir, wheel path, pip wheel log, work dir, env) after build and install."""
    work = tmp_path_factory.mktemp("wheel")
    env = clean_env(work / "home")
    copy_sources(work / "src")
    build = run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                 "-v", "-w", work / "dist"], cwd=work / "src", env=env)
    (wheel,) = (work / "dist").glob("kglink-*.whl")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work, env=env)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         wheel], cwd=work, env=env)
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
               cwd=work, env=env).stdout.strip()
    repo_site = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (Path(site) / "kglink_test_deps.pth").write_text("\n".join(repo_site) + "\n")
    return venv / "bin", wheel, build.stdout + build.stderr, work, env


def test_build_log_has_no_warnings(installed):
    log = installed[2]
    assert "Successfully built kglink" in log
    warnings = [m.group(0) for m in re.finditer(r"(?im)^.*(warn|would be ignored).*$", log)]
    assert warnings == []


def test_wheel_holds_every_package_file(installed):
    names = set(zipfile.ZipFile(installed[1]).namelist())
    expected = package_files()
    data = [f for f in expected if not f.endswith(".py")]
    assert {f"queries/cypher/{q}.cypher" for q in CONTRACT_QUERIES} <= set(data)
    assert {"graph/pom.xml", "ontology/kglink.ttl", "ontology/shapes.ttl",
            "loaders/data/gbt2260_divisions.csv"} <= set(data)
    assert [f for f in expected if f not in names] == []


def test_packages_import_from_the_fresh_venv(installed):
    bin_dir, _, _, work, env = installed
    out = run([bin_dir / "python", "-c",
               f"import {', '.join(PACKAGES)}; print('\\n'.join(m.__file__ for m in "
               f"({', '.join(PACKAGES)})))"], cwd=work, env=env).stdout.split()
    site = (bin_dir.parent / "lib").resolve()
    assert len(out) == len(PACKAGES)
    assert all(Path(f).resolve().is_relative_to(site) and "site-packages" in f for f in out), out
    assert not any(Path(f).resolve().is_relative_to(REPO) for f in out)


def test_query_list_shows_the_library(installed):
    bin_dir, _, _, work, env = installed
    out = run([bin_dir / "kglink", "query", "list"], cwd=work, env=env).stdout.splitlines()
    rule = next(i for i, line in enumerate(out) if line.startswith("---"))
    names = [line.split("|")[0].strip() for line in out[rule + 1:] if "|" in line]
    repo_names = sorted(p.stem for p in (REPO / "queries" / "cypher").glob("*.cypher"))
    assert names == repo_names
    assert CONTRACT_QUERIES <= set(names)
    assert out[-1] == f"({len(repo_names)} rows)"


def test_ontology_show_lists_the_classes(installed):
    bin_dir, _, _, work, env = installed
    out = run([bin_dir / "kglink", "ontology", "show"], cwd=work, env=env).stdout
    g = Graph().parse(REPO / "ontology" / "kglink.ttl", format="turtle")
    own = {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert out.startswith(f"Classes ({len(own)};")
    tree = out.split("\n\n")[0]
    for name in ("NaturalPerson", "LegalPerson", *(re.split("[#/]", str(c))[-1] for c in own)):
        assert re.search(rf"(?m)^ +(\w+:)?{name} ", tree), name


def test_link_on_a_small_spec(installed, tmp_path):
    bin_dir, _, _, _, env = installed
    (tmp_path / "psb.csv").write_text(PSB_CSV, encoding="utf-8")
    (tmp_path / "tax.csv").write_text(TAX_CSV, encoding="utf-8")
    (tmp_path / "SOURCES.yaml").write_text(SOURCES_YAML, encoding="utf-8")
    run([bin_dir / "kglink", "link", "SOURCES.yaml", "--out", "out", "--no-progress"],
        cwd=tmp_path, env=env)
    text = (tmp_path / "out" / "clusters.csv").read_text(encoding="utf-8")
    clusters = pd.read_csv(tmp_path / "out" / "clusters.csv", dtype=str)
    assert list(clusters.columns) == ["department", "record_id", "entity_id", "entity_type"]
    assert list(zip(clusters["department"], clusters["record_id"], strict=True)) == [
        ("公安厅户籍", "P1"), ("公安厅户籍", "P2"), ("公安厅户籍", "P3"),
        ("税务局", "T1"), ("税务局", "T2")]
    assert set(clusters["entity_type"]) == {"person"}
    entity = dict(zip(clusters["record_id"], clusters["entity_id"], strict=True))
    assert entity["P1"] == entity["T1"]
    assert len({entity[r] for r in ("P1", "P2", "P3", "T2")}) == 4

    # The installed wheel writes the same file as the repository's own kglink.
    run([sys.executable, "-m", "kglink", "link", "SOURCES.yaml", "--out", "repo-out",
         "--no-progress"], cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO)})
    assert (tmp_path / "repo-out" / "clusters.csv").read_text(encoding="utf-8") == text


def test_shapes_and_pom_come_with_the_wheel(installed, tmp_path):
    """`ontology validate` reads shapes.ttl; the local server resolves Neo4j from pom.xml."""
    bin_dir, _, _, _, env = installed
    (tmp_path / "p.ttl").write_text(
        "@prefix kg: <https://w3id.org/kglink/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/kglink/id/entity/P1> a kg:NaturalPerson ; kg:entityId "P1" ;\n'
        '  kg:uri "https://w3id.org/kglink/id/entity/P1"^^xsd:anyURI ; kg:idNumber "12345" .\n',
        encoding="utf-8")
    done = subprocess.run([bin_dir / "kglink", "ontology", "validate", "p.ttl"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "SHACL shapes: 1 problem(s)" in done.stdout
    assert "kg:idNumber: the ID number must be 18 characters" in done.stdout
    pom = run([bin_dir / "python", "-c", "from graph.local_server import POM; print(POM)"],
              cwd=tmp_path, env=env).stdout.strip()
    assert Path(pom).read_bytes() == (REPO / "graph" / "pom.xml").read_bytes()
    assert Path(pom).resolve().is_relative_to(bin_dir.parent.resolve())
