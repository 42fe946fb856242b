"""``kglink serve [--host 127.0.0.1] [--port 8000]``: the HTTP service (FastAPI on uvicorn).

The graph is connected before the server starts, so a wrong NEO4J_URI or password is one
line on stderr; keys come from ``kglink keys add``.
"""

from __future__ import annotations

import argparse
import socket
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from graph.connection import connect
    from kglink.service.app import create_app
    from kglink.service.keys import KeyStore
    from kglink.service.resolver import refresh_seconds

    refresh_seconds()  # a bad KGLINK_RESOLVER_REFRESH is a one-line error now, not later
    if not 0 < args.port < 65536:
        raise ValueError(f"--port {args.port} is not a port number (1..65535)")
    keys = KeyStore()
    if not any(k.revoked is None for k in keys.keys()):
        print(f"kglink: warning: no active API key in {keys.path}: every request will get "
              "401; create one with `kglink keys add NAME --role ROLE`", file=sys.stderr)
    # the resolve pass runs pandas in a worker thread; at the default 5 ms switch interval the
    # event loop waits up to 5 ms for the GIL at every step of a request while a pass runs
    sys.setswitchinterval(0.0005)
    listening = _listen(args.host, args.port)  # a busy port fails before the graph starts
    driver, database = connect()
    with driver, listening:
        config = uvicorn.Config(create_app(driver, database, keys=keys), log_level="warning",
                                access_log=False)
        print(f"kglink: serving on http://{args.host}:{args.port} (OpenAPI at /openapi.json)",
              flush=True)
        uvicorn.Server(config).run(sockets=[listening])
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port``; a one-line error when it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on such sockets, and without
    # it every keep-alive answer waits ~40 ms for the client's delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    return sock
