"""Scale measurement of the linking engine (not collected by pytest; prints figures).

    .venv/bin/python tests/linking/bench_scale.py --entities 333000 --departments 5

Generates seeded multi-department Chinese person records (tests/linking/chinese_frames.py,
about 3 records per person), links them with default settings and prints records, time,
peak memory (max RSS of this process) and pairwise precision / recall / F1 against truth.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).parent))

import chinese_frames  # noqa: E402

from linking.engine import link  # noqa: E402
from linking.evaluation import pairwise_scores  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=333_000)
    parser.add_argument("--departments", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    persons, truth = chinese_frames.persons(args.entities, args.departments, seed=args.seed)
    print(f"generated {len(persons):,} person records in {time.perf_counter() - started:.1f} s",
          flush=True)
    started = time.perf_counter()
    linked = link(SimpleNamespace(persons=persons, organizations=None), progress=True)
    elapsed = time.perf_counter() - started
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    precision, recall, f1 = pairwise_scores(linked.clusters, truth)
    stats = linked.stats["person"]
    print(f"records {len(persons):,}  link time {elapsed:.1f} s  peak RSS {peak_gib:.2f} GiB")
    print(f"pairs compared {stats['pairs_compared']:,}  capped {stats['capped_pairs']:,}  "
          f"links {stats['accepted_links']:,}  entities {stats['entities']:,}")
    print(f"timings {stats['timings_s']}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")


if __name__ == "__main__":
    main()
