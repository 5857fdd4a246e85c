"""The README's and docs/'s map of the code (the rule table, 'How it fits together') names
files that exist: a path written in full exists as written, a short one is the tail of one
that does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    "document",
    ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))],
)
def test_every_path_the_documents_name_exists(document: str) -> None:
    text = (ROOT / document).read_text()
    named = sorted({m.group(1) for m in PATH.finditer(text)})
    assert [n for n in named if not _exists(n)] == []


def test_the_readme_is_a_first_screen_and_links_the_rest() -> None:
    """Issue 21 item 6: what a newcomer needs first, under 300 lines; the rest in docs/."""
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) < 300
    for page in ("architecture", "deploy", "settings", "operations", "benchmarks", "testing"):
        assert f"](docs/{page}.md)" in text, page
