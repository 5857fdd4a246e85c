"""Links that reach e-mails from office input are http(s) only.

`WebUrl` is a field that is itself a link (an ``href`` in an e-mail): an absolute
``http://`` or ``https://`` address with a host, and nothing else. `WebLinksOnly` marks
free text that is copied into e-mails (preparation notes, a meeting place): any link in it
must be http(s) too, so a ``javascript:``, ``data:`` or ``file:`` link, or one of another
scheme with ``//``, is refused. Both refuse with 422 naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from pydantic import AfterValidator, StringConstraints

WEB_SCHEMES = frozenset({"http", "https"})
# Schemes a mail client or browser may act on without "//" after them; as links they are
# written without a space after the colon ("Bring the data: ..." is not a link).
_BARE_SCHEMES = "javascript|vbscript|livescript|data|file|blob|filesystem|jar"
_FOREIGN_LINK = re.compile(
    rf"(?<![A-Za-z0-9+.\-])(?:(?P<bare>{_BARE_SCHEMES}):(?=\S)"
    r"|(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://)",
    re.IGNORECASE,
)
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f<>\"'`\\]")


def web_url(value: str) -> str:
    """`value` if it is an absolute http(s) URL with a host; otherwise ValueError."""
    if _UNSAFE_CHARS.search(value):
        raise ValueError("a web address has no spaces, quotes or control characters")
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise ValueError(f"not a web address: {exc}") from exc
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        raise ValueError("must be an http:// or https:// address, e.g. https://example.org/")
    return value


def web_links_only(text: str) -> str:
    """`text` if every link in it is http(s); otherwise ValueError naming the first other."""
    for match in _FOREIGN_LINK.finditer(text):
        scheme = (match["bare"] or match["scheme"]).lower()
        if scheme not in WEB_SCHEMES:
            raise ValueError(
                f"links must be http:// or https:// addresses; a {scheme}: link is not allowed"
            )
    return text


WebUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(web_url)
]
WebLinksOnly = AfterValidator(web_links_only)


def address(base: str, path: str, query: dict[str, str] | None = None) -> str:
    """`path` (with `query`: a token, a sign-in hint) on the site at `base`."""
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{base.rstrip('/')}{path}{suffix}"
