"""Latency of the investigator queries on a 1M-entity graph.

Builds (batched UNWIND, ontology names) a party graph of ``--entities`` persons and companies
with realistic degrees: every company has a legal representative drawn from a Pareto-skewed
pool of business persons (a few sit on very many boards), one to three shareholders (persons or
companies, ratios summing to 1), sometimes an executive; persons have spouses, parents and
employers. Then runs library queries ``ego-network`` (hops 2) and ``shortest-path`` (default
max_hops 6, party relations) for ``--samples`` random entities (random pairs for paths) and
prints median and p95 latency (for paths also on pairs surely connected: 4 steps apart). WIPES the target database first (``--reuse`` keeps a graph
this script built before).

    KGLINK_HOME=/tmp/kg-queries KGLINK_BOLT_PORT=7685 .venv/bin/python tests/benchmarks/bench_queries.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from graph.admin import reset_database  # noqa: E402
from graph.connection import connect  # noqa: E402
from ontology.schema import labels as L  # noqa: E402
from ontology.schema import props as P  # noqa: E402
from ontology.schema import rels as R  # noqa: E402
from ontology.schema import schema_statements  # noqa: E402
from queries.library import run_query  # noqa: E402

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文斌志海波")
BATCH = 20_000


def person_id(i: np.ndarray) -> np.ndarray:
    return np.char.add("BP", np.char.zfill(i.astype(str), 7))


def company_id(i: np.ndarray) -> np.ndarray:
    return np.char.add("BC", np.char.zfill(i.astype(str), 7))


def write(driver, database: str, cypher: str, rows: list[dict], what: str) -> None:
    from tqdm import tqdm

    for start in tqdm(range(0, len(rows), BATCH), desc=what, file=sys.stderr, unit="batch"):
        driver.execute_query(cypher, rows=rows[start:start + BATCH], database_=database)


def build(driver, database: str, entities: int, seed: int) -> dict[str, int]:
    """The synthetic party graph; returns counts by kind."""
    rng = np.random.default_rng(seed)
    n_companies = entities * 3 // 10
    n_persons = entities - n_companies
    reset_database(driver, database)
    for statement in schema_statements():
        if "UNIQUE" in statement and P.entity_id in statement:
            driver.execute_query(statement, database_=database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)

    names = (np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n_persons)].astype(object)
             + np.array(GIVEN)[rng.integers(0, len(GIVEN), n_persons)].astype(object)
             + np.array(GIVEN)[rng.integers(0, len(GIVEN), n_persons)].astype(object))
    pids = person_id(np.arange(n_persons))
    write(driver, database,
          f"UNWIND $rows AS row CREATE (e:{L.NaturalPerson} {{{P.entity_id}: row[0], "
          f"{P.name}: row[1]}})", [[a, b] for a, b in zip(pids.tolist(), names.tolist(),
                                                         strict=True)], "persons")
    cids = company_id(np.arange(n_companies))
    write(driver, database,
          f"UNWIND $rows AS row CREATE (e:{L.LegalPerson} {{{P.entity_id}: row, "
          f"{P.name}: row + '有限公司'}})", cids.tolist(), "companies")

    business = max(1, n_persons // 4)  # persons who hold business roles, Pareto-skewed
    weight = rng.pareto(2.5, business) + 1.0
    weight /= weight.sum()

    def business_person(size: int) -> np.ndarray:
        return rng.choice(business, size=size, p=weight)

    rels: dict[str, list[list]] = {t: [] for t in (R.LEGAL_REPRESENTATIVE_OF, R.SHAREHOLDER_OF,
                                                    R.EXECUTIVE_OF, R.EMPLOYED_BY, R.SPOUSE_OF,
                                                    R.PARENT_OF)}
    rels[R.LEGAL_REPRESENTATIVE_OF] = np.stack(
        [pids[business_person(n_companies)], cids]).T.tolist()
    holders = rng.integers(1, 4, n_companies)
    target = np.repeat(np.arange(n_companies), holders)
    weights = rng.random(len(target)) + 0.1
    shares = weights / np.bincount(target, weights)[target]
    by_company = rng.random(len(target)) < 0.3
    owner = np.where(by_company, company_id(rng.integers(0, n_companies, len(target))),
                     pids[business_person(len(target))])
    keep = owner != cids[target]
    rels[R.SHAREHOLDER_OF] = [[a, b, float(round(s, 4))] for a, b, s in zip(
        owner[keep].tolist(), cids[target][keep].tolist(), shares[keep].tolist(), strict=True)]
    execs = rng.random(n_companies) < 0.5
    rels[R.EXECUTIVE_OF] = np.stack([pids[business_person(int(execs.sum()))],
                                     cids[execs]]).T.tolist()
    employed = rng.random(n_persons) < 0.4
    rels[R.EMPLOYED_BY] = np.stack([pids[employed],
                                    cids[rng.integers(0, n_companies, int(employed.sum()))]]).T.tolist()
    half = rng.permutation(n_persons)[: (n_persons // 3) * 2].reshape(-1, 2)
    rels[R.SPOUSE_OF] = pids[half].tolist()
    kids = rng.random(n_persons) < 0.2
    rels[R.PARENT_OF] = np.stack([pids[rng.integers(0, n_persons, int(kids.sum()))],
                                  pids[kids]]).T.tolist()
    for rel, rows in rels.items():
        start = L.NaturalPerson if rel != R.SHAREHOLDER_OF else None
        end = L.LegalPerson if rel in (R.LEGAL_REPRESENTATIVE_OF, R.SHAREHOLDER_OF,
                                       R.EXECUTIVE_OF, R.EMPLOYED_BY) else L.NaturalPerson
        if start is None:  # shareholders are persons or companies
            for label, prefix in ((L.NaturalPerson, "BP"), (L.LegalPerson, "BC")):
                part = [r for r in rows if r[0].startswith(prefix)]
                write(driver, database,
                      f"UNWIND $rows AS row MATCH (a:{label} {{{P.entity_id}: row[0]}}) "
                      f"MATCH (b:{end} {{{P.entity_id}: row[1]}}) "
                      f"CREATE (a)-[:{rel} {{{P.share_ratio}: row[2]}}]->(b)", part,
                      f"{rel} from {label}")
            continue
        write(driver, database,
              f"UNWIND $rows AS row MATCH (a:{start} {{{P.entity_id}: row[0]}}) "
              f"MATCH (b:{end} {{{P.entity_id}: row[1]}}) CREATE (a)-[:{rel}]->(b)", rows, rel)
    return {"persons": n_persons, "companies": n_companies,
            **{k: len(v) for k, v in rels.items()}}


def walk_target(driver, database: str, entity_id: str, rng: np.random.Generator) -> str | None:
    """An entity reached from ``entity_id`` by a 4-step walk over party relations, if any:
    the far end of a pair that is surely connected within the default max_hops."""
    from ontology.schema import party_relationships

    records, _, _ = driver.execute_query(
        f"CALL () {{ MATCH (a:{L.NaturalPerson} {{{P.entity_id}: $id}}) RETURN a UNION "
        f"MATCH (a:{L.LegalPerson} {{{P.entity_id}: $id}}) RETURN a }} "
        f"MATCH (a)-[:{'|'.join(party_relationships())}*4]-(b) WHERE b <> a "
        f"WITH DISTINCT b LIMIT 200 RETURN b.{P.entity_id} AS id", id=entity_id,
        database_=database)
    return str(rng.choice([r["id"] for r in records])) if records else None


def timed(driver, database: str, name: str, params: list[dict]) -> tuple[list[float], list[int]]:
    """Seconds and row counts of running library query ``name`` once per parameter set."""
    seconds, rows = [], []
    for p in params:
        start = time.perf_counter()
        result = run_query(driver, database, name, p, timeout=120)
        seconds.append(time.perf_counter() - start)
        rows.append(len(result.rows))
    return seconds, rows


def describe(label: str, seconds: list[float], rows: list[int]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
    return (f"{label}: n={len(ms)} median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
            f"max {ms[-1]:.1f} ms; rows median {statistics.median(rows):.0f}, "
            f"max {max(rows)}")


def main() -> int:
    import logging

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the graph if it already has exactly --entities entities")
    args = parser.parse_args()
    if os.environ.get("NEO4J_URI"):
        print("bench_queries wipes the database: run it against kglink's local Neo4j only",
              file=sys.stderr)
        return 1
    driver, database = connect()
    with driver:
        have = driver.execute_query(
            f"MATCH (e:{L.NaturalPerson}) RETURN count(e) AS c UNION ALL "
            f"MATCH (e:{L.LegalPerson}) RETURN count(e) AS c", database_=database)[0]
        n_companies = args.entities * 3 // 10
        n_persons = args.entities - n_companies
        if args.reuse and [r["c"] for r in have] == [n_persons, n_companies]:
            print(f"reusing the existing graph of {args.entities} entities")
        else:
            start = time.perf_counter()
            counts = build(driver, database, args.entities, args.seed)
            took = time.perf_counter() - start
            total_rels = sum(v for k, v in counts.items() if k not in ("persons", "companies"))
            print(f"built {counts['persons']} persons, {counts['companies']} companies, "
                  f"{total_rels} relationships in {took:.0f} s ({counts})")
        rng = np.random.default_rng(args.seed + 1)
        pick = rng.random(args.samples * 2)
        ids = [str(person_id(np.array([int(x * n_persons)]))[0]) if i % 10 < 7 else
               str(company_id(np.array([int(x * n_companies)]))[0])
               for i, x in enumerate(pick)]
        timed(driver, database, "ego-network", [{"entity_id": i} for i in ids[:10]])  # warm-up
        ego = timed(driver, database, "ego-network",
                    [{"entity_id": i, "hops": 2} for i in ids[:args.samples]])
        pairs = [{"source_id": a, "target_id": b}
                 for a, b in zip(ids[:args.samples], ids[args.samples:], strict=True)]
        path = timed(driver, database, "shortest-path", pairs)
        near = [{"source_id": a, "target_id": b} for a in ids[:args.samples]
                if (b := walk_target(driver, database, a, rng)) is not None]
        near_path = timed(driver, database, "shortest-path", near)
    print("machine: 2 cores shared with five other engineers' work; Neo4j heap/pagecache "
          f"{os.environ.get('KGLINK_NEO4J_HEAP', '2g')}/{os.environ.get('KGLINK_NEO4J_PAGECACHE', '2g')}")
    print(describe("ego-network hops=2", *ego))
    print(describe("shortest-path max_hops=6, random pairs", *path)
          + f"; paths found {sum(1 for r in path[1] if r)}/{len(path[1])}")
    print(describe("shortest-path max_hops=6, pairs 4 steps apart by a walk", *near_path)
          + f"; paths found {sum(1 for r in near_path[1] if r)}/{len(near_path[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
