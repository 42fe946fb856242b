"""kglink in Python: the one orchestration path (sources -> ingest -> link -> store) that
the demo, ``kglink link``, ``kglink run`` and the service all take.

    import kglink

    sources = kglink.load_sources("SOURCES.yaml")   # the spec and its linking: section
    ingested = kglink.ingest(sources)                # canonical frames + quarantine
    linked = kglink.link(ingested, sources.linking)  # clusters, links, the fitted model
    result = kglink.run(sources)                     # ingest + link + store in Neo4j

Settings and judgments always flow through here: ``link`` and ``run`` take the spec's
``linking:`` section unless given settings, and obey the judgment log (``kglink judge``)
unless given other judgments. Deeper modules are internals.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from neo4j import Driver

    from graph.store.write import WriteSummary
    from linking.engine import Linked
    from linking.model import ModelSet
    from linking.settings import LinkSettings
    from loaders.ingest import Ingested
    from loaders.spec import SourcesSpec

ENGINES = ("local", "spark")

__all__ = ["Resolver", "RunResult", "Sources", "TextLinker", "connect", "ingest", "link",
           "link_text", "load_model", "load_sources", "run", "store"]


@dataclass(frozen=True)
class Sources:
    """A validated SOURCES.yaml: its department sources and its linking settings."""

    spec: SourcesSpec
    linking: LinkSettings

    @property
    def path(self) -> Path:
        return self.spec.path


@dataclass
class RunResult:
    """What ``run`` did: the batch written, the ingest (with its quarantine and report), the
    linking output and the graph write summary."""

    batch: str
    ingested: Ingested
    linked: Linked
    summary: WriteSummary
    resumed_link: bool = False   # the linking of a cut-short run of this batch was reused
    refitted: list[str] = field(default_factory=list)  # entity types fitted anew


def load_sources(path: str | Path, check_columns: bool = True) -> Sources:
    """Read and validate SOURCES.yaml, its ``linking:`` section included; any fault is a
    one-line error naming the file and key."""
    from linking.settings import settings_from_dict
    from loaders.safe_yaml import load_yaml
    from loaders.spec import load_spec

    spec = load_spec(path, check_columns=check_columns)
    doc = load_yaml(spec.path.read_text(encoding="utf-8-sig"))
    try:
        linking = settings_from_dict({"linking": doc.get("linking")})
    except ValueError as exc:
        raise ValueError(f"{spec.path}: {exc}") from None
    return Sources(spec=spec, linking=linking)


def _sources(sources: Sources | str | Path) -> Sources:
    return sources if isinstance(sources, Sources) else load_sources(sources)


def ingest(sources: Sources | str | Path, progress: bool = False, *, engine: str = "local",
           master: str = "local[2]") -> Ingested:
    """Load and standardise every source; every input row ends loaded or quarantined.
    ``engine`` "spark" runs the standardisers on Spark at ``master`` (the same result)."""
    _check_engine(engine)
    spec = _sources(sources).spec
    if engine == "spark":
        from linking.spark.ingest import ingest_on_spark
        from linking.spark.session import spark_session

        return ingest_on_spark(spark_session(master), spec, progress=progress)
    from loaders.ingest import ingest as ingest_spec

    return ingest_spec(spec, progress=progress)


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(ENGINES)}")


def link(sources_or_ingested: Sources | str | Path | Ingested,
         settings: LinkSettings | None = None, judgments: Any = None, *,
         models: ModelSet | None = None, labels: pd.DataFrame | None = None,
         previous_clusters: pd.DataFrame | None = None, progress: bool = False,
         engine: str = "local", master: str = "local[2]") -> Linked:
    """Resolve records into entities: ``Linked`` with clusters, links (with evidence), stats
    and the model applied.

    Given sources (or a SOURCES.yaml path) they are ingested first, and their ``linking:``
    section is the default ``settings``. ``judgments``: None obeys the judgment log
    (``$KGLINK_JUDGMENTS`` or ``$KGLINK_HOME/judgments.jsonl``); a JudgmentStore or
    ``(verdict, "DEPT:ID", "DEPT:ID")`` tuples replace it; ``()`` obeys none. ``models``
    applies a saved ModelSet instead of fitting; ``previous_clusters`` (a clusters.csv
    frame) keeps entity ids stable; ``labels`` counts m from labelled pairs. ``engine``
    ``spark`` runs the same ingest and linking on Apache Spark at ``master`` (``local[2]``:
    in this process, on two cores).
    """
    _check_engine(engine)
    if engine == "spark" and labels is not None:
        raise ValueError("labelled pairs (--labels) are not supported by the spark engine; "
                         "use --engine local")
    ingested = sources_or_ingested
    if isinstance(sources_or_ingested, Sources | str | Path):
        sources = _sources(sources_or_ingested)
        settings = settings if settings is not None else sources.linking
        ingested = ingest(sources, progress=progress, engine=engine, master=master)
    if engine == "spark":
        from linking.spark.engine import link as link_on_spark

        return link_on_spark(ingested, settings=settings, judgments=_judgments(judgments),
                             previous_clusters=previous_clusters, models=models,
                             progress=progress, master=master)
    from linking.engine import link as link_records

    return link_records(ingested, settings=settings, judgments=_judgments(judgments),
                        previous_clusters=previous_clusters, labels=labels, models=models,
                        progress=progress)


def _judgments(judgments: Any) -> Any:
    from linking.judgments import JudgmentStore

    return JudgmentStore() if judgments is None else judgments


def load_model(path: str | Path) -> ModelSet:
    """A saved model.json (one LinkModel per entity type)."""
    from linking.model import ModelSet

    return ModelSet.load(path)


def connect() -> tuple[Driver, str]:
    """A verified driver for the configured Neo4j (``NEO4J_URI``..., else the local server,
    started if needed) and the database name to use."""
    from graph.connection import connect as connect_graph

    return connect_graph()


def store(ingested: Ingested, linked: Linked, driver: Driver, database: str, *,
          batch: str | None = None, previous: pd.DataFrame | None = None,
          bulk: str = "auto", progress: bool = False, engine: str = "local",
          master: str = "local[2]") -> WriteSummary:
    """Write one load into Neo4j (idempotent; a load cut short resumes). ``batch`` defaults
    to the digest of the input; ``bulk`` auto|always|never: a large first load into an
    empty local graph goes through ``neo4j-admin database import``. With ``engine``
    "spark", entities, records and relations are written from the partitions of Spark at
    ``master`` by the Neo4j Connector for Apache Spark, to the configured server."""
    from graph.store.write import write_graph

    spark = None
    if engine == "spark":
        from linking.spark.session import spark_session

        spark = spark_session(master)
    return write_graph(driver, database, ingested, linked, batch_id=batch, previous=previous,
                       bulk=bulk, progress=progress, spark=spark)


def run(sources: Sources | str | Path, *, driver: Driver | None = None,
        database: str | None = None, settings: LinkSettings | None = None,
        judgments: Any = None, refit: bool = False, bulk: str = "auto",
        progress: bool = False, engine: str = "local", master: str = "local[2]") -> RunResult:
    """Ingest, link against the entities already in the graph (ids stay stable) and store.

    Linking applies the model the graph keeps from its latest load, and fits anew when there
    is none, when ``refit``, or for an entity type whose settings (the spec's ``linking:``
    section or ``settings``) differ from the kept model's. The model applied is kept with
    the load. Without ``driver`` the configured Neo4j is connected (and closed after).
    ``engine`` and ``master`` choose where linking runs (see ``link``).
    """
    sources = _sources(sources)  # a bad spec fails before any database is started
    settings = settings if settings is not None else sources.linking
    judgments = _judgments(judgments)
    ingested = ingest(sources, progress=progress, engine=engine, master=master)
    if not any(len(getattr(ingested, n)) for n in ("persons", "organizations")):
        raise ValueError(f"{sources.path}: no person or organisation records were ingested")
    if driver is None:
        driver, database = connect()
        with driver:
            return _run(sources, ingested, driver, database, settings, judgments, refit, bulk,
                        progress, (engine, master))
    return _run(sources, ingested, driver, database or "neo4j", settings, judgments, refit,
                bulk, progress, (engine, master))


def _run(sources: Sources, ingested: Ingested, driver: Driver, database: str,
         settings: LinkSettings, judgments: Any, refit: bool, bulk: str,
         progress: bool, where: tuple[str, str] = ("local", "local[2]")) -> RunResult:
    from graph.store.load_batches import batch_id, load_lock

    batch = batch_id(ingested, _linking_inputs(settings, judgments, refit))
    with load_lock(batch):  # a concurrent run stops with a one-line LoadInProgress
        return _load(batch, ingested, driver, database, settings, judgments, refit, bulk,
                     progress, where)


def _load(batch: str, ingested: Ingested, driver: Driver, database: str,
          settings: LinkSettings, judgments: Any, refit: bool, bulk: str,
          progress: bool, where: tuple[str, str] = ("local", "local[2]")) -> RunResult:
    """Link (or reuse a cut-short attempt's linking) and store ``batch``; ``where`` is the
    (engine, master) linking runs on."""
    from graph.store import cypher
    from graph.store.load_batches import batch_status, keep_link_model
    from graph.store.previous import read_previous_clusters
    from loaders.heartbeat import heartbeat

    cache = _LinkCache(batch)
    previous, refitted = None, []
    linked = cache.read(ingested) if batch_status(driver, database, batch) == cypher.RUNNING \
        else None
    resumed_link = linked is not None
    if not resumed_link:
        with heartbeat("run: reading the graph's entity assignment", progress):
            previous = read_previous_clusters(driver, database)
        models, refitted = _models_to_apply(driver, database, settings, refit)
        linked = link(ingested, settings, judgments, models=models,
                      previous_clusters=previous.drop(columns="record_key")
                      if len(previous) else None, progress=progress, engine=where[0],
                      master=where[1])
        refitted = sorted(set(refitted) | set(_fitted_types(linked)))
        with heartbeat("run: keeping the linking output until the load completes", progress):
            cache.write(linked)
    summary = store(ingested, linked, driver, database, batch=batch, previous=previous,
                    bulk=bulk, progress=progress, engine=where[0], master=where[1])
    keep_link_model(driver, database, batch, linked.models)
    cache.remove()
    return RunResult(batch=batch, ingested=ingested, linked=linked, summary=summary,
                     resumed_link=resumed_link, refitted=refitted)


def _linking_inputs(settings: LinkSettings, judgments: Any, refit: bool) -> str:
    """What besides the input decides a load's linking, as text for its batch id."""
    from linking.judgments import effective_judgments

    judged = sorted((a, b, v) for (a, b), v in effective_judgments(judgments).items())
    return json.dumps({"settings": settings.overrides, "judgments": judged, "refit": refit},
                      sort_keys=True, ensure_ascii=False, default=str)


def _models_to_apply(driver: Driver, database: str, settings: LinkSettings,
                     refit: bool) -> tuple[ModelSet | None, list[str]]:
    """The graph's kept model, without the entity types whose settings changed since it was
    fitted (those are fitted anew); and the types so dropped."""
    from graph.store.load_batches import read_link_model
    from linking.settings import apply_overrides

    kept = None if refit else read_link_model(driver, database)
    if kept is None:
        return None, []
    changed = [kind for kind, section in settings.overrides.items()
               if kind in kept.models
               and apply_overrides(kept.models[kind].settings, section)
               != kept.models[kind].settings]
    for kind in changed:
        print(f"kglink: the {kind} linking settings differ from the graph's kept model: "
              f"fitting a new {kind} model", file=sys.stderr)
    return kept.without(changed), changed


def _fitted_types(linked: Linked) -> list[str]:
    """Entity types this link fitted rather than applied."""
    return [kind for kind, stats in linked.stats.items()
            if stats.get("model", {}).get("refitted")]


@dataclass(frozen=True)
class _LinkCache:
    """A load's linking output, kept under ``$KGLINK_HOME/loads/<batch>/`` while the batch
    is written, so a resumed load writes exactly the clusters the first attempt planned
    (even though the graph then holds part of the new assignment)."""

    batch: str

    @property
    def directory(self) -> Path:
        from linking.kglink_home import kglink_home

        return kglink_home() / "loads" / self.batch

    def read(self, ingested: Ingested) -> Linked | None:
        import pandas as pd

        from linking.engine import Linked
        from linking.model import ModelSet

        if not (self.directory / "model.json").exists():
            return None
        return Linked(clusters=pd.read_parquet(self.directory / "clusters.parquet"),
                      links=pd.read_parquet(self.directory / "links.parquet"),
                      ingested=ingested, models=ModelSet.load(self.directory / "model.json"))

    def write(self, linked: Linked) -> None:
        from linking.kglink_home import keep_private

        keep_private()  # personal data: 0700/0600 also when the API runs without the CLI
        self.directory.mkdir(parents=True, exist_ok=True)
        linked.clusters.to_parquet(self.directory / "clusters.parquet", index=False)
        linked.links.to_parquet(self.directory / "links.parquet", index=False)
        linked.models.save(self.directory / "model.json")  # written last: marks it complete

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


class Resolver:
    """Real-time resolution against the graph, scored exactly as a batch run scores
    (``linking.resolver``): ``resolve``, ``resolve_many``, ``add_record``, ``why`` and
    ``how``.

    The model is ``model`` (a ModelSet or a model.json path) or else the one the graph keeps
    from its latest load; every stored record is read once into an in-memory candidate
    index (``engine`` is the ``linking.resolver.Resolver``; ``engine.candidates`` the index,
    whose ``add`` keeps it current; once built, it is frozen out of Python's cyclic garbage
    collector, ``linking.record_index.freeze_long_lived``). Without ``driver`` the
    configured Neo4j is connected, and ``close()`` (or leaving a ``with`` block) closes it.
    Loads made later are seen by a new Resolver (``stale()`` says when one is due;
    ``kglink serve`` rebuilds by itself).
    """

    def __init__(self, model: ModelSet | str | Path | None = None, *,
                 driver: Driver | None = None, database: str | None = None) -> None:
        from graph.resolver_index import load_record_index
        from graph.store.load_batches import latest_load, read_link_model
        from linking.record_index import freeze_long_lived
        from linking.resolver import Resolver as RecordResolver

        self._owned = driver is None
        if driver is None:
            driver, database = connect()
        self.driver, self.database = driver, database or "neo4j"
        models = load_model(model) if isinstance(model, str | Path) else model
        models = models if models is not None else read_link_model(driver, self.database)
        if models is None:
            self.close()
            raise ValueError("the graph keeps no link model yet: load it first "
                             "(kglink run SOURCES.yaml)")
        self.load = latest_load(driver, self.database)  # the load this resolver reflects
        index = load_record_index(driver, self.database, models)
        index.build()
        self.engine = RecordResolver(models, index)
        freeze_long_lived()

    def stale(self) -> bool:
        """Whether a load completed since this resolver read the graph (build a new one to
        see it; records added through ``add_record`` are seen at once)."""
        from graph.store.load_batches import latest_load

        return latest_load(self.driver, self.database) != self.load

    def resolve(self, record: dict[str, Any], entity: str = "person", top_k: int = 5
                ) -> list[Any]:
        """The ``top_k`` best entities (``Candidate``: entity_id, score, match, record,
        evidence) for one record with canonical field names."""
        return self.engine.resolve(record, entity, top_k)

    def resolve_many(self, records: list[dict[str, Any]], entity: str = "person",
                     top_k: int = 5) -> list[list[Any]]:
        """``resolve`` for many records in one vectorised pass."""
        return self.engine.resolve_many(records, entity, top_k)

    def add_record(self, record: dict[str, Any], entity: str = "person") -> Any:
        """Add a record (canonical fields plus ``department`` and ``record_id``) to the graph
        and resolve it incrementally, obeying the judgment log: ``Added`` says whether it
        started a new entity, joined one or merged several (with the MergeEvent written), as
        a batch run over the same records would. ``graph.record_add`` says how."""
        from graph.record_add import add_record
        from linking.judgments import effective_judgments

        return add_record(self.engine, self.driver, self.database, record, entity,
                          effective_judgments(_judgments(None)))

    def why(self, a: str, b: str) -> dict[str, Any]:
        """Why two stored records (``DEPT:RECORD_ID``) are or are not the same entity: the
        model's score, verdict and evidence, whether the graph holds them as one entity, and
        ``judgment``, the judgment log's verdict on the pair ("same", "different" or None),
        which overrides the model in loads and in ``add_record``."""
        from linking.judgments import effective_judgments

        explained = self.engine.why(a, b)
        pair = tuple(sorted((explained["a"], explained["b"])))
        return {**explained, "judgment": effective_judgments(_judgments(None)).get(pair)}

    def how(self, entity_id: str) -> dict[str, Any]:
        """How an entity came to be: its merges and splits (MergeEvent / SplitEvent, oldest
        first) and its records, each with the score and evidence of the link that joined
        it. A KeyError when the graph has no such entity."""
        from graph.entity_reads import entity_history
        from graph.entity_records import entity_records

        history = entity_history(self.driver, self.database, entity_id)
        if history is None:
            raise KeyError(f"no entity {entity_id!r} in the graph")
        return {**history, "records": entity_records(self.driver, self.database, entity_id)}

    def close(self) -> None:
        """Close the driver if this resolver connected it."""
        if self._owned:
            self.driver.close()

    def __enter__(self) -> Resolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class TextLinker:
    """Finds the persons, companies and identifiers a text mentions and links each to a
    graph entity, or to none (NIL), with its evidence (``linking.text``).

    It learns the graph's names and identifiers from ``resolver`` (a :class:`Resolver`,
    connected to the configured Neo4j when not given) and weighs each mention with its link
    model. ``link`` answers one text; ``link_many`` a batch, whose mentions together
    estimate how many mean no graph entity unless ``nil_prior`` fixes that share; ``store``
    writes documents and their mentions into the graph (``Document`` and ``MENTIONS``,
    idempotently: a document's mentions are replaced as a whole).
    """

    def __init__(self, resolver: Resolver | None = None, *, nil_prior: float | None = None
                 ) -> None:
        from graph.documents import GraphRelations
        from linking.text.decide import TextSettings
        from linking.text.linker import TextLinker as Engine

        settings = TextSettings(nil_prior)  # a bad setting fails before connecting
        self._owned = resolver is None
        self.resolver = resolver if resolver is not None else Resolver()
        relations = GraphRelations(self.resolver.driver, self.resolver.database)
        self.engine = Engine(self.resolver.engine, relations, settings)

    def link(self, text: str, doc: str = "", lang: str | None = None,
             nil_prior: float | None = None) -> list[Any]:
        """The mentions of ``text`` (``LinkedMention``: doc, start, end, text, type,
        entity_id (None: NIL), score, evidence); ``lang`` ``zh`` or ``en``, else guessed;
        ``nil_prior`` for this text only."""
        return self.engine.link(text, doc, lang, nil_prior)

    def link_many(self, documents: list[tuple[str, str]], lang: str | None = None
                  ) -> list[list[Any]]:
        """``link`` for many (doc, text) pairs, weighed together."""
        return self.engine.link_many(documents, lang)

    def store(self, documents: list[tuple[str, str, list[Any]]], lang: str | None = None
              ) -> int:
        """Write (doc, text, linked mentions) documents into the graph; the MENTIONS count.
        ``lang`` is the language they were linked as (else each one's is guessed)."""
        from graph.documents import LinkedDocument, store_documents
        from linking.text.linker import language_of

        rows = [LinkedDocument(doc, text, lang or language_of(text),
                               [m.as_dict() for m in mentions])
                for doc, text, mentions in documents]
        return store_documents(self.resolver.driver, self.resolver.database, rows)

    def close(self) -> None:
        """Close the resolver if this linker made it."""
        if self._owned:
            self.resolver.close()

    def __enter__(self) -> TextLinker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_text_linker: TextLinker | None = None


def link_text(text: str, doc: str = "", lang: str | None = None) -> list[Any]:
    """The mentions of ``text`` linked to the configured graph (``TextLinker.link``); the
    linker is built on the first call and rebuilt when a newer load is in the graph."""
    global _text_linker
    if _text_linker is None or _text_linker.resolver.stale():
        if _text_linker is not None:
            _text_linker.close()
        _text_linker = TextLinker()
    return _text_linker.link(text, doc, lang)
