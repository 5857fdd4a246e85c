"""docs/privacy.md's list of every personal column, as tests read it: the record's own
test checks it against the schema, the erasure test that no listed column holds an erased
person."""

from __future__ import annotations

import re
from pathlib import Path

RECORD = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
# The record's wildcard for the schemas that have a workflow outbox.
OUTBOX = "<outbox>"


def recorded_columns() -> dict[str, str]:
    """`schema.table.column` -> kind, from the record's privacy-columns block."""
    block = re.search(r"```privacy-columns\n(.*?)```", RECORD.read_text(encoding="utf-8"), re.S)
    assert block, "docs/privacy.md has no ```privacy-columns block"
    columns = {}
    for line in block.group(1).splitlines():
        if line.strip():
            column, kind = line.split()
            assert column not in columns, f"{column} is recorded twice"
            columns[column] = kind
    return columns
