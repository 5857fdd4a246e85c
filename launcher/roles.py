"""The commands a deployment runs, one role per process (see deploy/):

mip serve NAME       one service behind uvicorn (applications, offers, expenses, ...)
mip worker           the workflow worker, with a health port
mip migrate          every service's migrations, once, for a deploy job
mip probe [PATH]     the image's health check: GET 127.0.0.1:$MIP_PORT/healthz
mip keygen           a new private key for the portal to sign with (PEM on stdout)
"""

from __future__ import annotations

import argparse
import sys

from pydantic import ValidationError

from mip.core.settings import Settings


def _settings(command: str) -> Settings | None:
    """The settings, or None after saying why they were refused, without a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = f"MIP_{'_'.join(map(str, error['loc'])).upper()}: " if error["loc"] else ""
            message = error["msg"].removeprefix("Value error, ")
            print(f"mip {command}: {where}{message}", file=sys.stderr)
        return None


def _serve(args: argparse.Namespace) -> int:
    from launcher.serve import SERVED, default_port, serve

    settings = _settings("serve")
    if settings is None:
        return 2
    served = SERVED[args.service]
    try:
        app = served.create()
    except (RuntimeError, OSError, ValueError) as exc:  # what it was given, refused
        print(f"mip serve {served.name}: {exc}", file=sys.stderr)
        return 2
    port = args.port if args.port is not None else default_port(served)
    return serve(app, settings, host=args.host, port=port)


def _worker(args: argparse.Namespace) -> int:
    from launcher.worker import main

    settings = _settings("worker")
    if settings is None:
        return 2
    main(settings, host=args.host, port=args.port)


def _migrate(args: argparse.Namespace) -> int:
    from launcher.migrate import main

    settings = _settings("migrate")
    return 2 if settings is None else main(settings)


def _probe(args: argparse.Namespace) -> int:
    from launcher.probe import probe

    return probe(args.path)


def _keygen(args: argparse.Namespace) -> int:
    from services.portal.keys import generate_pem

    sys.stdout.write(generate_pem().decode())
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from launcher.serve import SERVED, default_host

    serve = sub.add_parser("serve", help="serve one service (uvicorn, proxy headers)")
    serve.add_argument("service", choices=sorted(SERVED))
    serve.add_argument("--host", default=default_host(), help="default $MIP_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default $MIP_PORT or its own")
    serve.set_defaults(func=_serve)

    worker = sub.add_parser("worker", help="run the workflow worker")
    worker.add_argument("--host", default=default_host(), help="health port's address")
    worker.add_argument("--port", type=int, default=None, help="default $MIP_PORT or 8000")
    worker.set_defaults(func=_worker)

    migrate = sub.add_parser("migrate", help="apply every service's migrations once")
    migrate.set_defaults(func=_migrate)

    probe = sub.add_parser("probe", help="exit 0 if 127.0.0.1:$MIP_PORT answers 200")
    probe.add_argument("path", nargs="?", default="/healthz")
    probe.set_defaults(func=_probe)

    keygen = sub.add_parser(
        "keygen", help="print a new Ed25519 private key (PEM) for MIP_PORTAL_SIGNING_KEY_FILE"
    )
    keygen.set_defaults(func=_keygen)
