"""What a service's /docs or /redoc page loads, to see that it is all the service's own."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Assets(HTMLParser):
    """Every URL the page's tags load: src and href attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def asset_urls(page: str) -> list[str]:
    """The URLs a docs page fetches: its tags' src and href, and the spec URL in its script."""
    parser = _Assets()
    parser.feed(page)
    in_script = re.findall(r"""(?:url|spec-url)\s*[:=]\s*['"]([^'"]+)['"]""", page)
    return parser.urls + in_script
