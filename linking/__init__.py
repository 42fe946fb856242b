"""Record linkage: index (blocking) -> compare -> classify -> cluster -> stable entity ids.

Entry point: ``linking.engine.link(ingested) -> Linked``. Modules, in pipeline order:
settings (what to block on and compare), prepare (comparison-ready columns), index
(blocking passes), compare (multi-level comparison features), em / classify (Fellegi–Sunter
by EM, logistic regression, identifier rules), cluster (constrained clustering), entity_ids
(stable ids), evidence (explanations), judgments (human decisions). quality and evaluation
report on the result.
"""
