"""`mip`: the command line of the Micro-Internship Programme platform.

mip dev [--demo] [--data-dir DIR] [--port-offset N]
                                      run the whole system on this machine
mip token --role office --sub EMAIL   print a development bearer token
mip check [--port-offset N | --data-dir DIR]
                                      ask every service, through Temporal, to answer
mip serve NAME | worker | migrate | probe | keygen
                                      the roles a deployment runs (launcher/roles.py)

`mip COMMAND --help` says what each does and what its options mean.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from pathlib import Path
from typing import NoReturn

from launcher import roles
from launcher.commands import command
from mip.core.auth import Role, mint_token
from mip.core.settings import Settings


def _default_data_dir() -> Path:
    return Path(os.environ.get("MIP_DATA_DIR", ".mip"))


def _token(args: argparse.Namespace) -> int:
    """print a development bearer token

    Print a bearer token for the services' APIs (Authorize in their /docs), signed with
    MIP_JWT_SECRET or, outside production and staging, the development secret `mip dev`
    accepts. Production tokens come from your identity provider.
    """
    settings = Settings()
    if settings.signing_secret is None:
        print(
            "mip token: no signing secret here; production tokens come from your IdP",
            file=sys.stderr,
        )
        return 2
    try:
        token = mint_token(settings, role=Role(args.role), subject=args.sub, ttl_s=args.ttl)
    except ValueError as exc:
        print(f"mip token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def _dev(args: argparse.Namespace) -> int:
    """run the whole system on this machine

    Run all of MIP on this machine, no Docker: PostgreSQL (unless $DATABASE_URL names one),
    Temporal, a mail catcher (unless $SMTP_URL names a server), the portal, the four
    services and the workflow worker, each on its own port (listed once up). A part that
    dies is restarted; Ctrl-C stops everything. State stays in the data directory for the
    next run; one `mip dev` at a time may use a data directory.
    """
    from launcher.stack import DevOptions, run

    options = DevOptions(data_dir=args.data_dir, port_offset=args.port_offset, demo=args.demo)
    return asyncio.run(run(options))


def _check_address(args: argparse.Namespace, settings: Settings) -> str:
    """The Temporal of the stack `mip check` is pointed at: at --port-offset if given, else
    the one `mip dev` wrote into --data-dir while it runs, else TEMPORAL_ADDRESS."""
    from launcher.stack import TEMPORAL_PORT, running_stack

    if args.port_offset is not None:
        return f"127.0.0.1:{TEMPORAL_PORT + args.port_offset}"
    written = running_stack(args.data_dir)
    if written is not None:
        return written.temporal_address
    return settings.temporal_address


def _check(args: argparse.Namespace) -> int:
    """ask every service to answer through Temporal

    Ask every service, through Temporal, whether it runs, reaches its database and has its
    migrations; exit 0 if every one answers well, else 1.
    """
    from mip.core.temporal import connect
    from workflows.queues import WORKFLOWS
    from workflows.stack_check import StackCheckInput, StackCheckWorkflow

    async def check() -> int:
        settings = Settings()
        settings = settings.model_copy(update={"temporal_address": _check_address(args, settings)})
        try:
            client = await connect(settings)
        except Exception:  # whatever the reason, the developer needs the address, not a trace
            print(
                f"mip check: Temporal does not answer at {settings.temporal_address}; "
                "is `mip dev` running there (see --port-offset, --data-dir)?",
                file=sys.stderr,
            )
            _leave(1)
        result = await client.execute_workflow(
            StackCheckWorkflow.run,
            StackCheckInput(answer_within_s=args.within),
            id=f"stack-check-{uuid.uuid4().hex[:8]}",
            task_queue=settings.queue(WORKFLOWS),
        )
        for answer in result.answers:
            if answer.report is not None:
                state = "ok" if answer.report.database_ok else "database unreachable"
                print(f"{answer.service:<14} {state}  migrations {answer.report.migrations}")
            else:
                print(f"{answer.service:<14} NO ANSWER  {answer.error}")
        return 0 if result.ok else 1

    _leave(asyncio.run(check()))
    return 0  # not reached: _leave ends the process


def _leave(code: int) -> NoReturn:
    """The Temporal core's threads can outlive the client and abort the interpreter as it
    finalizes (a page of "Fatal Python error", exit -6), after a failed connect and now and
    then after a good check too: say everything, then leave without finalizing."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="mip", description=__doc__.split("\n")[0])
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    dev = command(sub, "dev", _dev)
    _data_dir_option(dev, "where state is kept: databases, caught mail, logs")
    dev.add_argument(
        "--port-offset",
        type=int,
        default=0,
        metavar="N",
        help="add N to every port (the portal 8000+N, Temporal 7233+N, ...), to run beside "
        "another `mip dev` on its own --data-dir (default %(default)s)",
    )
    dev.add_argument(
        "--demo",
        action="store_true",
        help="also load demonstration data: the 2019 round as history and again open now, "
        "with its hosts and placements, and the day's rehearsal round three applicants have "
        "applied to, to play through in minutes (loading twice changes nothing)",
    )

    token = command(sub, "token", _token)
    token.add_argument(
        "--role",
        choices=[r.value for r in Role],
        required=True,
        help="what the token may do: a person's role, or service (one service calling another)",
    )
    token.add_argument(
        "--sub",
        required=True,
        help="who it is for: an e-mail address, or a service's name with --role service",
    )
    token.add_argument(
        "--ttl",
        type=int,
        default=12 * 3600,
        help="seconds until it expires (default %(default)s, 12 hours): at least 1, at most "
        "MIP_JWT_MAX_LIFETIME_S (a day)",
    )

    check = command(sub, "check", _check)
    check.add_argument(
        "--within",
        type=float,
        default=10.0,
        help="seconds each service has to answer (default %(default)s)",
    )
    check.add_argument(
        "--port-offset",
        type=int,
        default=None,
        metavar="N",
        help="check the `mip dev` started with --port-offset N",
    )
    _data_dir_option(
        check,
        "check the `mip dev` running on this data directory",
        then="; with neither this nor --port-offset naming a running stack, the Temporal at "
        "$TEMPORAL_ADDRESS",
    )
    roles.register(sub)
    return top


def _data_dir_option(into: argparse.ArgumentParser, what: str, *, then: str = "") -> None:
    """--data-dir, whose default $MIP_DATA_DIR moves for `mip dev` and `mip check` alike."""
    into.add_argument(
        "--data-dir",
        type=Path,
        default=_default_data_dir(),
        metavar="DIR",
        help=f"{what} (default %(default)s; $MIP_DATA_DIR sets another){then}",
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
