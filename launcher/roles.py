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

from launcher.commands import command
from mip.core.settings import Settings

# %(default)s is $MIP_HOST when set: argparse's default is read when the parser is made.
_HOST_DEFAULT = "(default %(default)s; $MIP_HOST sets another)"


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
    """serve one service (uvicorn, proxy headers)

    Serve one MIP service behind uvicorn, as a container runs it: it believes X-Forwarded-*
    only from $MIP_FORWARDED_ALLOW_IPS and, on SIGTERM, lets requests in flight finish for
    up to $MIP_SHUTDOWN_GRACE_S.
    """
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
    """run the workflow worker

    Run the workflow worker, with a health port: GET /livez answers 200 while the process
    runs, GET /healthz 200 while it polls and Temporal answers. On SIGTERM it stops polling
    and gives the tasks in hand $MIP_SHUTDOWN_GRACE_S.
    """
    from launcher.worker import main

    settings = _settings("worker")
    if settings is None:
        return 2
    main(settings, host=args.host, port=args.port)


def _migrate(args: argparse.Namespace) -> int:
    """apply every service's migrations once

    Apply every service's database migrations not yet applied, say which, and exit: a
    deploy's job, run once per release before its services start.
    """
    from launcher.migrate import main

    settings = _settings("migrate")
    return 2 if settings is None else main(settings)


def _probe(args: argparse.Namespace) -> int:
    """exit 0 if 127.0.0.1:$MIP_PORT answers 200

    Exit 0 if http://127.0.0.1:$MIP_PORT/PATH answers 200, else 1, saying why: the image's
    HEALTHCHECK. The image sets MIP_PORT; without it, 8000 is asked.
    """
    from launcher.probe import probe

    return probe(args.path)


def _keygen(args: argparse.Namespace) -> int:
    """print a new Ed25519 private key (PEM) for MIP_PORTAL_SIGNING_KEY_FILE

    Print a new Ed25519 private key (PEM) on stdout: the key the portal signs people's
    tokens with. Keep it in a file MIP_PORTAL_SIGNING_KEY_FILE names.
    """
    from services.portal.keys import generate_pem

    sys.stdout.write(generate_pem().decode())
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from launcher.serve import SERVED, WORKER_PORT

    serve = command(sub, "serve", _serve)
    serve.add_argument("service", choices=sorted(SERVED), help="the service to serve")
    own = ", ".join(f"{served.name} {served.port}" for served in SERVED.values())
    _listen_options(
        serve,
        host="the address to listen on",
        port=f"the port to listen on (default $MIP_PORT, else the service's own: {own})",
    )
    _listen_options(
        command(sub, "worker", _worker),
        host="the health port's address",
        port=f"the health port (default $MIP_PORT, else {WORKER_PORT}, a port `mip dev` "
        "leaves free)",
    )
    command(sub, "migrate", _migrate)
    probe = command(sub, "probe", _probe)
    probe.add_argument(
        "path", nargs="?", default="/healthz", help="the path to ask (default %(default)s)"
    )
    command(sub, "keygen", _keygen)


def _listen_options(parser: argparse.ArgumentParser, *, host: str, port: str) -> None:
    """--host and --port of a process that listens: a service, or the worker's health port.
    No --port default here: $MIP_PORT or the process's own port is read when it starts."""
    from launcher.serve import default_host

    parser.add_argument("--host", default=default_host(), help=f"{host} {_HOST_DEFAULT}")
    parser.add_argument("--port", type=int, default=None, help=port)
