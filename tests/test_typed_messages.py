"""Signals and updates are sent by their handler, never by a string (issue 22).

`handle.signal(ApplicationWorkflow.offer, OfferRequest(...))` names the handler: a rename
is a type error, not a signal that nobody receives at run time. Walked with `ast` over every
Python file of the project, tests included."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.source_tree import python_files

# A call of one of these names sends a signal or an update; the position of the argument
# that says which one.
SENDERS = {
    "signal": 0,
    "execute_update": 0,
    "start_update": 0,
    "signal_with_start_workflow": 0,
    "signal_quietly": 1,
    "update_workflow": 1,
    "run_update": 1,
}


def named_by_string(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        position = SENDERS.get(name)
        if position is None or len(node.args) <= position:
            continue
        which = node.args[position]
        if isinstance(which, ast.Constant) and isinstance(which.value, str):
            found.append(f"{path}:{node.lineno}: {name}({which.value!r}, ...)")
    return found


def test_no_signal_or_update_is_sent_by_name() -> None:
    assert [line for path in python_files() for line in named_by_string(path)] == []


def test_the_walk_sees_a_signal_sent_by_name(tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text(
        "async def f(handle, wf):\n"
        "    await handle.signal('offer', request)\n"
        "    await signal_quietly(wf, 'forward')\n"
        "    await handle.signal(ApplicationWorkflow.offer, request)\n"
    )
    assert [line.split(": ", 1)[1] for line in named_by_string(stray)] == [
        "signal('offer', ...)",
        "signal_quietly('forward', ...)",
    ]
