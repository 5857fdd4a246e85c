"""Read what the SMTP server received: headers of the mail catcher's .eml files."""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path


@dataclass(frozen=True)
class Received:
    to: str
    kind: str
    message_id: str


def received_since(mail_dir: Path, since_ns: int, seen: dict[str, Received]) -> dict[str, Received]:
    """Add to `seen` every message written after `since_ns` (file names start with it)."""
    parser = BytesHeaderParser()
    for path in mail_dir.glob("*.eml"):
        if path.name in seen or int(path.name.split("-", 1)[0]) < since_ns:
            continue
        with path.open("rb") as handle:
            headers = parser.parse(handle)
        seen[path.name] = Received(
            str(headers["To"]), str(headers["X-MIP-Kind"]), str(headers["Message-ID"])
        )
    return seen
