"""Every `mip` command and option says what it is, and the defaults it names are the ones
it has (issue 21 item 6): `mip COMMAND --help` is where a newcomer looks first."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

from launcher.cli import parser
from launcher.serve import WORKER_PORT
from launcher.stack import DevOptions, DevStack, port_free
from tests.support.servers import free_port
from tests.support.waiting import eventually


def _commands() -> argparse._SubParsersAction[argparse.ArgumentParser]:
    [commands] = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return commands


def _options(command: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in command._actions if not isinstance(a, argparse._HelpAction)]


def _help(command: argparse.ArgumentParser) -> str:
    """`mip COMMAND --help` as printed, its lines joined: a phrase may wrap anywhere."""
    return " ".join(command.format_help().split())


def test_every_mip_command_and_option_has_help() -> None:
    commands = _commands()
    listed = {choice.dest: choice.help for choice in commands._choices_actions}
    unexplained = []
    for name, command in commands.choices.items():
        if not listed.get(name):
            unexplained.append(f"`mip --help` lists {name} with no words")
        if not command.description:
            unexplained.append(f"`mip {name} --help` has no description")
        for action in _options(command):
            if not action.help or action.help == argparse.SUPPRESS:
                unexplained.append(f"mip {name} {'/'.join(action.option_strings) or action.dest}")
    assert unexplained == []
    assert sorted(commands.choices) == sorted(
        ["dev", "token", "check", "serve", "worker", "migrate", "probe", "keygen"]
    )


def test_every_default_the_help_names_is_the_options_own() -> None:
    commands = _commands()
    unsaid = [
        f"mip {name} {'/'.join(action.option_strings) or action.dest}: {action.default}"
        for name, command in commands.choices.items()
        for action in _options(command)
        if action.default not in (None, False) and f"default {action.default}" not in _help(command)
    ]
    assert unsaid == []


def test_mip_dev_help_says_what_it_runs_and_how_to_run_two() -> None:
    commands = _commands()
    said = _help(commands.choices["dev"])
    assert "Run all of MIP on this machine" in said
    assert "add N to every port (the portal 8000+N" in said
    assert "one `mip dev` at a time may use a data directory" in said


async def test_mip_worker_answers_on_the_port_its_help_names_one_mip_dev_leaves_free() -> None:
    commands = _commands()
    assert f"default $MIP_PORT, else {WORKER_PORT}" in _help(commands.choices["worker"])
    assert WORKER_PORT not in DevStack(DevOptions(data_dir=Path("unused"))).ports()
    assert port_free(WORKER_PORT), f"something else listens on {WORKER_PORT}"
    env = {k: v for k, v in os.environ.items() if k != "MIP_PORT"}
    # Nothing answers there: /livez answers while the worker waits for Temporal.
    env["TEMPORAL_ADDRESS"] = f"127.0.0.1:{free_port()}"
    worker = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "launcher.cli", "worker"),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{WORKER_PORT}") as http:

            async def alive() -> bool:
                try:
                    return (await http.get("/livez")).status_code == 200
                except httpx.TransportError:
                    return False

            assert await eventually(alive, timeout_s=30)
        worker.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(worker.wait(), 15) == 0
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
