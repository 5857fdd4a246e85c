"""How a `mip` subcommand is declared, for cli.py and roles.py alike.

A command's words live in the docstring of the function that runs it, so what `mip
COMMAND --help` says cannot drift from the code beside it: the first paragraph is the line
`mip --help` lists, the rest the command's description.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable

Run = Callable[[argparse.Namespace], int]


def command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, run: Run
) -> argparse.ArgumentParser:
    """`mip NAME`, which calls `run` with the parsed arguments."""
    summary, _, description = inspect.cleandoc(run.__doc__ or "").partition("\n\n")
    if not summary or not description:
        raise ValueError(f"mip {name}: {run.__name__}'s docstring says what it does, twice")
    parser = sub.add_parser(name, help=summary, description=description)
    parser.set_defaults(func=run)
    return parser
