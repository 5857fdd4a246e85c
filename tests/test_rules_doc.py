"""The programme's rules live in the repository (docs/rules.md), with the ids the tests and
the rule table of docs/architecture.md name; the README links them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = [f"R{n}" for n in range(1, 31)] + [f"P{n}" for n in range(1, 8)]


def test_the_rules_are_kept_in_docs_with_every_id_and_the_readme_links_them() -> None:
    rules = (ROOT / "docs" / "rules.md").read_text()
    ids = re.findall(r"^\| ([RP]\d+) \|", rules, re.MULTILINE)
    assert ids == EXPECTED
    assert "](docs/rules.md)" in (ROOT / "README.md").read_text()
    readme = (ROOT / "docs" / "architecture.md").read_text()
    for rule in EXPECTED:  # every id has a row in the README's rule table
        assert re.search(rf"^\| [^|]*\b{rule}\b", readme, re.MULTILINE) or any(
            re.search(rf"^\| R{a}-R{b} \|", readme, re.MULTILINE)
            for a, b in ((24, 27),)
            if rule in {f"R{n}" for n in range(a, b + 1)}
        ), rule
