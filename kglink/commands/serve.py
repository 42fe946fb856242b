"""``kglink serve [--host 127.0.0.1] [--port 8000]``: the HTTP service (FastAPI on uvicorn).

The graph is connected before the server starts, so a wrong NEO4J_URI or password is one
line on stderr; keys come from ``kglink keys add``.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from graph.connection import connect
    from kglink.service.app import create_app
    from kglink.service.keys import KeyStore

    if not 0 < args.port < 65536:
        raise ValueError(f"--port {args.port} is not a port number (1..65535)")
    keys = KeyStore()
    if not any(k.revoked is None for k in keys.keys()):
        print(f"kglink: warning: no active API key in {keys.path}: every request will get "
              "401; create one with `kglink keys add NAME --role ROLE`", flush=True)
    driver, database = connect()
    with driver:
        print(f"kglink: serving on http://{args.host}:{args.port} (OpenAPI at /openapi.json)",
              flush=True)
        uvicorn.run(create_app(driver, database, keys=keys), host=args.host, port=args.port,
                    log_level="warning", access_log=False)
    return 0
