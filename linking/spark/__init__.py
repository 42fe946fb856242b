"""The linking engine on Apache Spark: the same prepare, blocking passes, comparators, model,
chaining checks and entity ids as the local engine (linking.engine), run over Spark
DataFrames. ``linking.spark.engine.link`` is reached through ``kglink.api.link(engine=
"spark")``."""
