"""Every workflow id is made in `mip/core/ids.py` and nowhere else (issue 22).

A service that starts `application-<id>` and a workflow that signals it must agree on the
form; a second place that formats one is where they would drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from mip.core import ids
from tests.support.source_tree import ROOT, python_files

# An f-string that begins like one of the ids: a workflow id being formatted by hand.
HAND_MADE = re.compile(
    r"""f["'](application|round|placement|expense-claim|email|alerts|retention|erasure)-\{"""
)


def hand_made_ids(files: list[Path]) -> list[str]:
    home = ROOT / "mip/core/ids.py"
    found = []
    for path in files:
        if path == home:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if HAND_MADE.search(line):
                found.append(f"{path}:{number}: {line.strip()}")
    return found


def test_no_module_but_ids_formats_a_workflow_id() -> None:
    assert hand_made_ids(python_files()) == []


def test_the_search_finds_a_hand_made_id(tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    made_by_hand = "f" + '"application-{application_id}"'
    stray.write_text(f"handle = client.get_workflow_handle({made_by_hand})\n")
    assert hand_made_ids([stray]) == [f"{stray}:1: {stray.read_text().strip()}"]


def test_an_id_reads_back_as_its_application() -> None:
    made = ids.application("0b5e6a52-6a3f-4f67-9d55-7f1d7e3c2a10")
    assert ids.application.of(made) == "0b5e6a52-6a3f-4f67-9d55-7f1d7e3c2a10"
    assert ids.application.of(ids.round_("r1")) is None
    assert ids.application.of("application-") is None


def test_each_deployment_sharing_a_namespace_has_a_housekeeping_of_its_own() -> None:
    assert ids.housekeeping("") == "housekeeping"
    assert ids.housekeeping("t1-") != ids.housekeeping("t2-")
