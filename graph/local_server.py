"""Provision and run kglink's own local Neo4j Community server.

The jars come from Maven Central through ``graph/pom.xml`` and live, with the
server's configuration, data, logs and generated password, under the cache
directory (``$KGLINK_HOME`` or ``~/.cache/kglink``), never in the repository.
The server process is the Community entry point itself, started the way the
official ``neo4j console`` script starts it, bound to 127.0.0.1.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from linking.kglink_home import PRIVATE_UMASK, keep_private, kglink_home

NEO4J_VERSION = "5.26.16"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.cli.AdminTool"
SWAP_MARKER = "replace-database.marker"
POM = Path(__file__).with_name("pom.xml")

# JVM flags the official launcher passes to a Neo4j 5 server on Java 17, except the
# collector: kglink's server mostly bulk-writes on small machines, where the throughput
# collector's threads used about a quarter of G1's CPU time on the write transactions'
# garbage (100k SourceRecords in 5k-row chunks: 0.7-0.9 against 3.0-3.7 CPU-seconds);
# its full collections paused ~0.7 s each at a 3g heap.
JVM_FLAGS = [
    "-XX:+UseParallelGC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


class Neo4jSetupError(RuntimeError):
    """The local server cannot be provisioned or started; the message says what to do."""


@dataclass(frozen=True)
class LocalNeo4j:
    """One local Neo4j server: its files under ``home`` and its Bolt port."""

    home: Path
    bolt_port: int
    heap: str = "2g"
    pagecache: str = "2g"

    @classmethod
    def from_env(cls) -> LocalNeo4j:
        """The server configured by KGLINK_HOME, KGLINK_BOLT_PORT and the memory variables."""
        return cls(
            home=kglink_home() / "neo4j",
            bolt_port=int(os.environ.get("KGLINK_BOLT_PORT", "7687")),
            heap=os.environ.get("KGLINK_NEO4J_HEAP", "2g"),
            pagecache=os.environ.get("KGLINK_NEO4J_PAGECACHE", "2g"),
        )

    # -- paths -------------------------------------------------------------
    @property
    def lib_dir(self) -> Path:
        return self.home / f"lib-{NEO4J_VERSION}"

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "kglink-server.pid"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    # -- provisioning ------------------------------------------------------
    def install(self) -> None:
        """Resolve the server jars with Maven (once) and write the configuration."""
        if not (self.lib_dir / ".complete").exists():
            self._resolve_jars()
        self._write_config()

    def _resolve_jars(self) -> None:
        for tool, hint in (("java", "a Java 17+ runtime (apt-get install openjdk-17-jre-headless)"),
                           ("mvn", "Maven (apt-get install maven)")):
            if shutil.which(tool) is None:
                raise Neo4jSetupError(
                    f"{tool} not found: install {hint}, or set NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD "
                    "to use an existing Neo4j server")
        staging = self.lib_dir.with_name(self.lib_dir.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        print(f"kglink: resolving Neo4j {NEO4J_VERSION} jars with Maven into {self.lib_dir}",
              file=sys.stderr)
        cmd = ["mvn", "-q", "-B", "-f", str(POM),
               f"-Dneo4j.version={NEO4J_VERSION}",
               f"-Dmaven.repo.local={kglink_home() / 'm2'}",
               "dependency:copy-dependencies", "-DincludeScope=runtime",
               f"-DoutputDirectory={staging}"]
        done = subprocess.run(cmd, capture_output=True, text=True, umask=PRIVATE_UMASK)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            raise Neo4jSetupError("Maven could not resolve the Neo4j jars: " + " | ".join(tail))
        (staging / ".complete").write_text(NEO4J_VERSION)
        shutil.rmtree(self.lib_dir, ignore_errors=True)
        staging.rename(self.lib_dir)

    def _write_config(self) -> None:
        for d in (self.conf_dir, self.data_dir, self.logs_dir, self.pid_file.parent,
                  self.home / "plugins", self.home / "import"):
            d.mkdir(parents=True, exist_ok=True)
        settings = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{self.bolt_port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.directories.data": str(self.data_dir),
            "server.directories.logs": str(self.logs_dir),
            "server.directories.run": str(self.pid_file.parent),
            "server.directories.plugins": str(self.home / "plugins"),
            "server.directories.import": str(self.home / "import"),
            "server.memory.heap.initial_size": "512m",
            "server.memory.heap.max_size": self.heap,
            "server.memory.pagecache.size": self.pagecache,
            "db.tx_log.rotation.retention_policy": "1 files",
            "dbms.usage_report.enabled": "false",
            "server.threads.worker_count": "8",
            # least privilege for user Cypher (queries.runner refuses LOAD CSV too): no
            # file:/// reads from the server's disk, and no plugin procedures are loaded.
            # Community cannot restrict http(s) LOAD CSV (LOAD privileges are Enterprise).
            "dbms.security.allow_csv_import_from_file_urls": "false",
            "dbms.security.procedures.allowlist": "",
        }
        text = "".join(f"{k}={v}\n" for k, v in settings.items())
        (self.conf_dir / "neo4j.conf").write_text(
            "# Written by kglink on every start; edit the KGLINK_* variables instead.\n" + text)

    # -- lifecycle ---------------------------------------------------------
    def pid(self) -> int | None:
        """The pid of the running server, or None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists() and ENTRY_POINT.encode() not in cmdline.read_bytes():
            return None
        return pid

    def password(self) -> str:
        return self.password_file.read_text().strip()

    def start(self, timeout: float = 180.0) -> str:
        """Start the server unless it runs; return once Bolt answers. Idempotent."""
        keep_private()  # its store and transaction logs hold personal data
        if self.pid() is not None and self._bolt_open():
            return f"Neo4j already running at {self.uri} (pid {self.pid()})"
        if self.pid() is None and not _wait_port_free(self.bolt_port, 15.0):
            raise Neo4jSetupError(
                f"port {self.bolt_port} is taken by another process: set KGLINK_BOLT_PORT")
        self.install()
        if self.pid() is None:
            self._finish_replace()
        process = self._spawn() if self.pid() is None else None
        self._wait_for_bolt(timeout, process)
        self._ensure_password()
        return f"Neo4j {NEO4J_VERSION} running at {self.uri} (pid {self.pid()}, home {self.home})"

    def _spawn(self) -> subprocess.Popen:
        java = _java()
        classpath = os.pathsep.join([str(self.home / "plugins" / "*"), str(self.conf_dir),
                                     str(self.lib_dir / "*")])
        cmd = [java, "-cp", classpath, "-Xms512m", f"-Xmx{self.heap}", *JVM_FLAGS,
               "-Dfile.encoding=UTF-8", ENTRY_POINT,
               f"--home-dir={self.home}", f"--config-dir={self.conf_dir}"]
        console = open(self.logs_dir / "console.log", "ab")
        proc = subprocess.Popen(cmd, stdout=console, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                cwd=self.home, umask=PRIVATE_UMASK)
        self.pid_file.write_text(str(proc.pid))
        return proc

    def _bolt_open(self) -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", self.bolt_port)) == 0

    def _wait_for_bolt(self, timeout: float, process: subprocess.Popen | None) -> None:
        """Wait for Bolt; the server we just spawned is watched through its process handle
        (its /proc entry may not show the entry point for a moment after the launch)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            alive = process.poll() is None if process is not None else self.pid() is not None
            if not alive:
                raise Neo4jSetupError(
                    f"Neo4j exited during start-up; see {self.logs_dir / 'console.log'}: "
                    + _last_line(self.logs_dir / "console.log"))
            if self._bolt_open():
                return
            time.sleep(0.5)
        raise Neo4jSetupError(f"Neo4j did not open Bolt on {self.uri} within {timeout:.0f}s; "
                              f"see {self.logs_dir / 'console.log'}")

    def _ensure_password(self) -> None:
        """Replace the initial password with a generated one, stored 0600, on first start."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ServiceUnavailable

        from graph.client import quiet_session

        if self.password_file.exists():
            return
        new = secrets.token_urlsafe(24)
        deadline = time.monotonic() + 60
        while True:
            try:
                with GraphDatabase.driver(self.uri, auth=("neo4j", "neo4j")) as driver:
                    with quiet_session(driver, "system") as session:
                        session.run("ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                                    old="neo4j", new=new).consume()
                break
            except ServiceUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
            except AuthError as exc:
                raise Neo4jSetupError(
                    f"the local Neo4j under {self.home} has a password kglink does not know; "
                    "run `kglink neo4j reset --yes` after removing its data directory") from exc
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(new + "\n")
        self._wait_until_queryable()

    def _wait_until_queryable(self) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import Neo4jError, ServiceUnavailable

        from graph.client import read

        deadline = time.monotonic() + 60
        with GraphDatabase.driver(self.uri, auth=("neo4j", self.password())) as driver:
            while True:
                try:
                    read(driver, "neo4j", "RETURN 1")
                    return
                except (ServiceUnavailable, Neo4jError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)

    def stop(self, timeout: float = 60.0) -> str:
        """Shut the server down cleanly (SIGTERM, then SIGKILL after ``timeout``)."""
        pid = self.pid()
        if pid is None:
            return "Neo4j is not running"
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.3)
        if self.pid() is not None:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        _wait_port_free(self.bolt_port, 15.0)
        return f"Neo4j stopped (pid {pid})"

    # -- offline bulk import ----------------------------------------------
    def import_database(self, database: str, arguments: list[str], report: Path) -> None:
        """Run ``neo4j-admin database import full`` into ``database`` (a staging name that
        no server uses; overwritten). Its progress goes to stderr; a failure raises with the
        tool's last lines."""
        java = _java()
        self.install()
        cmd = [java, "-Xmx1g", "-cp", str(self.lib_dir / "*"), *JVM_FLAGS,
               ADMIN_ENTRY_POINT, "database", "import", "full", "--overwrite-destination",
               "--bad-tolerance=0", "--strict=true", f"--report-file={report}",
               "--max-off-heap-memory=2g", *arguments, database]
        env = os.environ | {"NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
        done = subprocess.run(cmd, env=env, stdout=sys.stderr, stderr=subprocess.PIPE,
                              text=True, cwd=self.home, umask=PRIVATE_UMASK)
        if done.returncode != 0:
            for area in ("databases", "transactions"):  # a failed import leaves junk stores
                shutil.rmtree(self.data_dir / area / database, ignore_errors=True)
            tail = " | ".join(done.stderr.strip().splitlines()[-3:])
            raise Neo4jSetupError(f"neo4j-admin import failed (report {report}): {tail}")

    def replace_database(self, staging: str, database: str = "neo4j") -> None:
        """Put the store of ``staging`` in place of ``database``; the server must be stopped.
        A marker makes the swap finish on the next start if it is cut short."""
        if self.pid() is not None:
            raise Neo4jSetupError("the server must be stopped to replace its database")
        (self.home / SWAP_MARKER).write_text(f"{staging}\n{database}\n")
        self._finish_replace()

    def _finish_replace(self) -> None:
        """Complete an interrupted (or just started) database swap; each step is a rename
        that is skipped once done, so running it again is harmless."""
        marker = self.home / SWAP_MARKER
        if not marker.exists():
            return
        staging, database = marker.read_text().split()
        for area in ("databases", "transactions"):
            base = self.data_dir / area
            new, current, old = base / staging, base / database, base / (database + ".replaced")
            if new.exists():
                if current.exists():
                    shutil.rmtree(old, ignore_errors=True)
                    current.rename(old)
                new.rename(current)
            shutil.rmtree(old, ignore_errors=True)
        marker.unlink()

    def status(self) -> str:
        pid = self.pid()
        if pid is None:
            return f"Neo4j {NEO4J_VERSION} not running (home {self.home})"
        state = "accepting Bolt" if self._bolt_open() else "starting"
        return f"Neo4j {NEO4J_VERSION} running at {self.uri}, {state} (pid {pid}, home {self.home})"


def _java() -> str:
    """The java executable that runs the server and its admin tool."""
    java = shutil.which("java")
    if java is None:
        raise Neo4jSetupError("java not found: install a Java 17+ runtime "
                              "(apt-get install openjdk-17-jre-headless) or set NEO4J_URI")
    return java


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_port_free(port: int, timeout: float) -> bool:
    """True once nothing listens on ``port`` (a stopping server may hold it a moment)."""
    deadline = time.monotonic() + timeout
    while _port_in_use(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.3)
    return True


def _last_line(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "(no log)"
    return lines[-1][:300] if lines else "(empty log)"
