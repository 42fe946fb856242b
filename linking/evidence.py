"""Explain: compact JSON evidence for each accepted link, built column-wise.

``{"rule":"fellegi_sunter","total":31.2,"cmp":{"given_name":["exact",4.1],...}}``: the rule
that decided the link, the total weight in bits (prior included), and per comparison the
level reached and the weight it contributed (term-frequency adjustment included). Strings
are assembled with vectorised pandas concatenation, not a Python loop per link.
"""

from __future__ import annotations

import json

import numpy as np

from linking.classify import RULES


def _formatted(values: np.ndarray) -> np.ndarray:
    """Numbers rounded to 2 decimals as strings; each distinct value is formatted once."""
    rounded = np.round(values.astype(float), 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    uniq, inverse = np.unique(rounded, return_inverse=True)
    text = np.array([repr(float(u)) for u in uniq], dtype=object)
    return text[inverse.ravel()]


def evidence_json(names: list[str], labels: list[tuple[str, ...]], levels: np.ndarray,
                  level_weights: list[np.ndarray], tf_adjust: dict[int, np.ndarray],
                  rule: np.ndarray, total: np.ndarray) -> np.ndarray:
    """One JSON string per link (rows of ``levels``)."""
    m = levels.shape[0]
    if m == 0:
        return np.empty(0, dtype=object)
    rule_text = np.array([f'{{"rule":"{r}","total":' for r in RULES], dtype=object)
    columns = [rule_text[rule], _formatted(total), np.full(m, ',"cmp":{', dtype=object)]
    for k, name in enumerate(names):
        lev = levels[:, k].astype(np.int64)
        key = ("," if k else "") + json.dumps(name, ensure_ascii=False) + ':["'
        names_of_level = list(labels[k]) + ["missing"]
        weights = np.append(level_weights[k], 0.0)  # level -1 -> last slot (0 bits)
        if k in tf_adjust:
            level_text = np.array([key + x + '",' for x in names_of_level], dtype=object)
            columns += [level_text[lev], _formatted(weights[lev] + tf_adjust[k]),
                        np.full(m, "]", dtype=object)]
        else:
            part = np.array([f'{key}{x}",{round(float(w), 2) + 0.0!r}]'
                             for x, w in zip(names_of_level, weights, strict=True)], dtype=object)
            columns.append(part[lev])
    columns.append(np.full(m, "}}", dtype=object))
    return np.array(["".join(parts) for parts in zip(*columns, strict=True)], dtype=object)
