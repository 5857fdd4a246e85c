"""The README's map of the code (the rule table, 'How it fits together') names files that
exist: a path written in full exists as written, a short one is the tail of one that does."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = re.compile(r"`((?:[\w.-]+/)+[\w.-]*)`")
TOP = ("mip/", "services/", "workflows/", "launcher/", "tests/", "benchmarks/", "docs/", "deploy/")


def _exists(named: str) -> bool:
    if "<" in named or "*" in named or named.startswith("."):
        return True  # a pattern such as services/<name>/, or the data directory
    if named.startswith(TOP):
        return (ROOT / named).exists()
    tail = named.rstrip("/")
    found = (p for top in TOP for p in (ROOT / top).glob(f"**/{Path(tail).name}"))
    return any(str(p).endswith("/" + tail) for p in found)


def test_every_path_the_readme_names_exists() -> None:
    text = (ROOT / "README.md").read_text()
    named = sorted({m.group(1) for m in PATH.finditer(text)})
    assert named, "the README names no paths"
    assert [n for n in named if not _exists(n)] == []
