"""Migration folders made for a test: a few files written, or a service's own cut short."""

from __future__ import annotations

from pathlib import Path


def write_migrations(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, sql in files.items():
        (directory / name).write_text(sql)
    return directory


def migrations_below(source: Path, version: int, directory: Path) -> Path:
    """A copy of `source`'s migrations numbered below `version`: a schema as it was."""
    return write_migrations(
        directory,
        {p.name: p.read_text() for p in sorted(source.glob("*.sql")) if int(p.name[:4]) < version},
    )
