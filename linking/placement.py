"""Place one new record among the linked records, as a batch run over all of them would.

The entities the record's accepted links reach (``Resolver.resolve_many``, ``match``) are
taken with every one of their records; the record and those records are scored on all
their pairs with the batch's model, human judgments applied, and clustered by the batch's
own ``linking.cluster.cluster_records``; stable ids come from ``linking.entity_ids`` with
the records' current entity ids as the previous run's. So the record starts a new entity,
joins one, or merges several (a batch re-run over the same records draws the same lines),
and entities it does not reach are untouched. The one difference from a batch is blocking:
inside the touched entities every pair is scored, where a batch scores its candidate pairs
and checks components of three or more on all of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from linking.cluster import cluster_records
from linking.compare import Comparator
from linking.engine import judged_codes, links_frame
from linking.entity_ids import assign_ids
from linking.model import LinkModel
from linking.pairs import IdentifierRule, apply_judgments, score_pairs
from linking.prepare import prepare

NEW = "new"          # the record is an entity of its own
JOINED = "joined"    # it joined one entity, which kept its id and its other records
MERGED = "merged"    # entities it reached became one
RESHAPED = "reshaped"  # re-clustering moved records between the entities it reached


@dataclass
class Placement:
    """Where a new record goes: ``clusters`` (department, record_id, entity_id, entity_type)
    of the record and of every record of the entities it reached, ``previous`` (record_key,
    entity_id, entity_type) their ids before, ``links`` the accepted pairs inside the new
    entities (links.csv rows), and the standardised ``records`` that were clustered."""

    entity_type: str
    key: str
    records: pd.DataFrame
    clusters: pd.DataFrame
    previous: pd.DataFrame
    links: pd.DataFrame

    @property
    def entity_id(self) -> str:
        """The entity the new record belongs to."""
        keys = self.clusters["department"] + ":" + self.clusters["record_id"]
        return str(self.clusters.loc[keys == self.key, "entity_id"].iloc[0])

    @property
    def retired(self) -> list[str]:
        """Entity ids the placement leaves without records (merged into another)."""
        return sorted(set(self.previous["entity_id"]) - set(self.clusters["entity_id"]))

    @property
    def outcome(self) -> str:
        """new, joined, merged or reshaped (see the module constants)."""
        before = self.previous.set_index("record_key")["entity_id"]
        keys = self.clusters["department"] + ":" + self.clusters["record_id"]
        after = pd.Series(self.clusters["entity_id"].to_numpy(), index=keys.to_numpy())
        if (after.loc[before.index] == before).all():
            return JOINED if self.entity_id in set(before) else NEW
        grouped = pd.Series(after.loc[before.index].to_numpy()).groupby(before.to_numpy())
        if self.retired and (grouped.nunique() == 1).all():
            return MERGED
        return RESHAPED


def place(model: LinkModel, record: pd.DataFrame, members: pd.DataFrame,
          judged: dict[tuple[str, str], str] | None = None) -> Placement:
    """Cluster the standardised one-row ``record`` with ``members`` (standardised records,
    with their current ``entity_id``, of every entity the record reached) under ``model``,
    whose prior is for the records the source holds with this one."""
    entity_type = model.entity_type
    records = (pd.concat([_like(members.drop(columns="entity_id"), record), record],
                         ignore_index=True)
               if len(members) else record.reset_index(drop=True))
    keys = records["department"].astype(str) + ":" + records["record_id"].astype(str)
    prepared = prepare(records, entity_type)
    n = len(prepared)
    left, right = np.triu_indices(n, 1)
    comparator = Comparator(prepared, [c.spec for c in model.comparisons],
                            model.settings.chunk_size)
    model.check_levels(comparator.labels)
    ids = IdentifierRule.of(prepared, model.settings)
    row_of = pd.Series(np.arange(n), index=keys.to_numpy())
    same = judged_codes(judged or {}, row_of, "same", n)
    different = judged_codes(judged or {}, row_of, "different", n)
    scored = score_pairs(model, comparator, left, right, ids)
    apply_judgments(scored, same, different, n)
    weight = scored.cluster_weight(model.threshold_weight)
    labels, _ = cluster_records(n, left, right, weight, _never_asked)
    previous = pd.Series([*members["entity_id"].astype(object), None], dtype=object)
    entity_ids = assign_ids(keys, labels, entity_type, previous)
    accepted = np.flatnonzero(weight >= 0)
    inside = accepted[labels[left[accepted]] == labels[right[accepted]]]
    return Placement(
        entity_type=entity_type, key=str(keys.iloc[-1]), records=records,
        clusters=pd.DataFrame({"department": records["department"].astype(str),
                               "record_id": records["record_id"].astype(str),
                               "entity_id": entity_ids, "entity_type": entity_type}),
        previous=pd.DataFrame({"record_key": keys.iloc[:-1].to_numpy(),
                               "entity_id": members["entity_id"].astype(str).to_numpy(),
                               "entity_type": entity_type}),
        links=links_frame(prepared, scored, inside))


def _like(members: pd.DataFrame, record: pd.DataFrame) -> pd.DataFrame:
    """``members`` (as read back from the graph) with the column types of the ingested
    ``record`` frame, so the two stack as one ingested frame."""
    types = {c: record[c].dtype for c in members.columns if c in record.columns}
    return members.astype(types)


def _never_asked(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Every pair was scored up front, so clustering never needs another."""
    raise AssertionError(f"clustering asked for {left.size} pairs that place() scored")
