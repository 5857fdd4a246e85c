"""Templates for every kind of message: a subject, a text part and an HTML part.

HTML is autoescaped and undefined variables are errors, so a template never sends
"Dear ," or markup smuggled in through a statement or a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from mip.core import when
from services.notifications.contract import MessageKind

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class TemplateError(Exception):
    """A template could not be rendered with the data given: a bug, not a reason to retry."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class Renderer:
    def __init__(self, *, office_email: str, directory: Path = TEMPLATES) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        # The one voice for times and counts (mip.core.when), as the portal's pages use.
        self._env.filters.update(when=when.when, day=when.day, days=when.days, plural=when.plural)
        self._env.globals.update(
            programme_name="the Micro-Internship Programme for Research Staff",
            office_email=office_email,
        )

    def render(
        self, kind: MessageKind, data: dict[str, Any], *, at: datetime | None = None
    ) -> Rendered:
        """`kind`'s message from `data`, worded as at `at` (now unless given)."""
        data = {**data, **as_at(data, at or datetime.now(UTC))}
        try:
            subject = self._env.get_template(f"{kind.value}.subject.txt").render(data)
            text = self._env.get_template(f"{kind.value}.txt").render(data)
            html = self._env.get_template(f"{kind.value}.html").render(data)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"cannot render {kind.value}: {exc}") from exc
        return Rendered(subject=" ".join(subject.split()), text=text, html=html)


def as_at(data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """What a message says that depends on when it is sent, not on when it was asked for:
    a host's digest that goes out at or after its placement stops taking a ranking (sent
    slowly, or retried until the mail server took it) no longer asks the host to rank,
    since the offers service refuses a ranking from then on. That instant is
    `ranking_closes_at`, or `outcomes_at` in a digest asked for before placements closed
    ahead of it; a digest with neither is worded as it always was."""
    closes_at = data.get("ranking_closes_at") or data.get("outcomes_at")
    if closes_at is None:
        return {"outcomes_passed": False, "ranking_closes_at": None}
    if isinstance(closes_at, str):
        closes_at = datetime.fromisoformat(closes_at)
    return {"outcomes_passed": at >= closes_at, "ranking_closes_at": closes_at}
