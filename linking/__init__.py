"""Record linkage as a model: prepare -> index -> compare -> fit -> score -> cluster -> ids.

Entry points: ``linking.engine.link(ingested) -> Linked`` (fits or applies a model) and
``linking.engine.fit(frame, entity_type) -> LinkModel``. Modules, in pipeline order:
settings (what to block on and compare, as data), prepare (comparison-ready columns), index
(blocking passes), compare (multi-level comparison features), fit / em (u from random pairs,
m by EM per blocking pass, the prior over all record pairs), model (LinkModel and ModelSet:
the fitted parameters as versioned JSON), pairs (scoring, identifier and judgment rules,
evidence), cluster (average linkage inside components), entity_ids (stable ids), judgments
(human decisions). quality and evaluation report on the result; model_report prints and
charts a saved model.
"""
