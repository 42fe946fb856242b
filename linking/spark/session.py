"""A quiet SparkSession for a master URL, sized for a shared machine.

No Spark UI (no port clash), WARN logs, scratch space under ``scratch`` (the output
directory or /tmp), and the Maven packages Spark resolves (``spark.jars.packages``: the
Neo4j Connector for Apache Spark, fetched from Maven Central on first use) cached in
kglink's cache directory beside the Neo4j jars (``$KGLINK_HOME/ivy``), never in the
repository. One session is reused for the life of the process.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from linking.kglink_home import kglink_home

DRIVER_MEMORY = "2g"  # the default; KGLINK_SPARK_DRIVER_MEMORY sets another
# the Neo4j Connector for Apache Spark (graph.store.spark_writer), for Spark 3 / Scala 2.12
NEO4J_CONNECTOR = "org.neo4j:neo4j-connector-apache-spark_2.12:5.0.0_for_spark_3"
# WARN and above, less the start-up notices every local session repeats
LOG_CONFIG = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
logger.native.name = org.apache.hadoop.util.NativeCodeLoader
logger.native.level = error
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = error
logger.conf.name = org.apache.spark.SparkConf
logger.conf.level = error
logger.plan.name = org.apache.spark.sql.catalyst.util.SparkStringUtils
logger.plan.level = error
logger.tasks.name = org.apache.spark.scheduler.TaskSetManager
logger.tasks.level = error
"""


IVY_SETTINGS = """\
<ivysettings>
  <settings defaultResolver="maven-central"/>
  <caches defaultCacheDir="{cache}"/>
  <resolvers>
    <ibiblio name="maven-central" m2compatible="true" root="https://repo1.maven.org/maven2/"/>
  </resolvers>
</ivysettings>
"""


def ivy_cache() -> Path:
    """Where Spark's Maven resolution (Ivy) keeps the jars it downloads."""
    return kglink_home() / "ivy"


def ivy_settings() -> Path:
    """Ivy settings that resolve from Maven Central alone (Spark's defaults also ask the
    Spark Packages repository, which is not needed and may be unreachable)."""
    path = ivy_cache() / "ivysettings.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(IVY_SETTINGS.format(cache=ivy_cache() / "cache"), encoding="utf-8")
    return path


def driver_memory() -> str:
    """The driver's heap (``spark.driver.memory``; in local mode the executors' too):
    ``$KGLINK_SPARK_DRIVER_MEMORY`` (a JVM size such as ``8g``), else ``DRIVER_MEMORY``.
    In local mode every task shares it, so millions of records need more than the
    default."""
    value = os.environ.get("KGLINK_SPARK_DRIVER_MEMORY", "").strip() or DRIVER_MEMORY
    if not re.fullmatch(r"[1-9][0-9]*[kmgtKMGT]?", value):
        raise ValueError(f"KGLINK_SPARK_DRIVER_MEMORY: {value!r} is not a JVM memory size "
                         "such as 4g or 8192m")
    return value


def shuffle_partitions(master: str) -> int:
    """Shuffle partitions: a few per core in local mode (200 tiny tasks cost more than they
    do), Spark's default on a cluster."""
    if master.startswith("local"):
        inside = master[master.find("[") + 1:master.find("]")] if "[" in master else "1"
        cores = (os.cpu_count() or 2) if inside == "*" else int(inside or 1)
        return max(4 * cores, 4)
    return 200


def spark_session(master: str = "local[2]", scratch: str | Path | None = None):
    """The SparkSession for ``master`` (created once; a later call reuses it)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    local_dir = Path(scratch) if scratch is not None else Path(tempfile.gettempdir())
    local_dir = local_dir / "spark-scratch"
    local_dir.mkdir(parents=True, exist_ok=True)
    log_config = local_dir / "log4j2.properties"
    log_config.write_text(LOG_CONFIG, encoding="utf-8")
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (SparkSession.builder.master(master).appName("kglink-link")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.memory", driver_memory())
               .config("spark.driver.extraJavaOptions",
                       f"-Dlog4j2.configurationFile=file:{log_config}")
               .config("spark.local.dir", str(local_dir))
               .config("spark.sql.shuffle.partitions", str(shuffle_partitions(master)))
               .config("spark.sql.adaptive.enabled", "true")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "50000")
               .config("spark.sql.session.timeZone", "UTC")
               # joins of one frame's projections by column name are not ambiguous
               .config("spark.sql.analyzer.failAmbiguousSelfJoin", "false")
               .config("spark.jars.ivy", str(ivy_cache()))
               .config("spark.jars.ivySettings", str(ivy_settings()))
               .config("spark.jars.packages", NEO4J_CONNECTOR))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    session.sparkContext.setCheckpointDir(str(local_dir / "checkpoints"))
    return session
