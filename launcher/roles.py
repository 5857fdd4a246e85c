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
    from launcher.serve import SERVED, WORKER_PORT, default_host

    serve = sub.add_parser(
        "serve",
        help="serve one service (uvicorn, proxy headers)",
        description="Serve one MIP service behind uvicorn, as a container runs it: it "
        "believes X-Forwarded-* only from $MIP_FORWARDED_ALLOW_IPS and, on SIGTERM, lets "
        "requests in flight finish for up to $MIP_SHUTDOWN_GRACE_S.",
    )
    serve.add_argument("service", choices=sorted(SERVED), help="the service to serve")
    serve.add_argument(
        "--host", default=default_host(), help=f"the address to listen on {_HOST_DEFAULT}"
    )
    own = ", ".join(f"{served.name} {served.port}" for served in SERVED.values())
    serve.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"the port to listen on (default $MIP_PORT, else the service's own: {own})",
    )
    serve.set_defaults(func=_serve)

    worker = sub.add_parser(
        "worker",
        help="run the workflow worker",
        description="Run the workflow worker, with a health port: GET /livez answers 200 "
        "while the process runs, GET /healthz 200 while it polls and Temporal answers. On "
        "SIGTERM it stops polling and gives the tasks in hand $MIP_SHUTDOWN_GRACE_S.",
    )
    worker.add_argument(
        "--host", default=default_host(), help=f"the health port's address {_HOST_DEFAULT}"
    )
    worker.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"the health port (default $MIP_PORT, else {WORKER_PORT}, a port `mip dev` "
        "leaves free)",
    )
    worker.set_defaults(func=_worker)

    migrate = sub.add_parser(
        "migrate",
        help="apply every service's migrations once",
        description="Apply every service's database migrations not yet applied, say which, "
        "and exit: a deploy's job, run once per release before its services start.",
    )
    migrate.set_defaults(func=_migrate)

    probe = sub.add_parser(
        "probe",
        help="exit 0 if 127.0.0.1:$MIP_PORT answers 200",
        description="Exit 0 if http://127.0.0.1:$MIP_PORT/PATH answers 200, else 1, saying "
        "why: the image's HEALTHCHECK. The image sets MIP_PORT; without it, 8000 is asked.",
    )
    probe.add_argument(
        "path", nargs="?", default="/healthz", help="the path to ask (default %(default)s)"
    )
    probe.set_defaults(func=_probe)

    keygen = sub.add_parser(
        "keygen",
        help="print a new Ed25519 private key (PEM) for MIP_PORTAL_SIGNING_KEY_FILE",
        description="Print a new Ed25519 private key (PEM) on stdout: the key the portal "
        "signs people's tokens with. Keep it in a file MIP_PORTAL_SIGNING_KEY_FILE names.",
    )
    keygen.set_defaults(func=_keygen)
