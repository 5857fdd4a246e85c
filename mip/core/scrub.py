"""What must never leave a process in a log line or a span: bearer tokens, signed links'
tokens, passwords in URLs, and people: their e-mail addresses, names and words
(statements, descriptions, request bodies, an exception's echo of what was sent).

MIP's own code logs ids and keeps statements and CVs out of logs and spans altogether (SQL
parameters are not captured); this is the second line, for a library's words and an
exception's message. It cannot know a name written loose in a sentence, so it goes by
where people's data shows itself: an address's shape, a display name before an address,
a labelled value (`applicant_name='Ada Okafor'`, `"statement": "..."`, `email=...` in a
query or a form body, pydantic's `input_value=...`), and PostgreSQL's echo of a row's key
(`Key (applicant_email)=(...)`). Ids are kept: UUIDs, references like MIP-27A-0042 and
Message-IDs (whose left part is a hash) are what joins a line to its application.
"""

from __future__ import annotations

import re
from collections.abc import Callable

HIDDEN = "***"

# Labels whose value is a person's address, name or words: one of these, alone or as the
# end of a longer label after an underscore or a hyphen (`contact_email`, `text_body`), so
# `trace_context` or `hostname` stays. Found by the word, then its left edge checked: far
# cheaper, on every log line, than trying a label at every word.
_PERSONAL_LABEL = (
    r"(?<![A-Za-z0-9])(?:e-?mail|name|username|filename|address|recipients?|statement"
    r"|statement_for_hosts|body|text|description|note|comment|travel_from|travel_to|phone"
    r"|input|input_value|answers?|disability|under_represented)"
)
# A quoted value, single or double, with its escapes: what JSON and Python reprs write.
_QUOTED = r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'"
# An address's left part is a hash or a UUID in a Message-ID or a workflow's id: an id.
_ID_LOCAL = r"(?:[0-9a-f]{16,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})@"
_Replacement = str | Callable[[re.Match[str]], str]


def _hide_value(found: re.Match[str]) -> str:
    """The label as written; a quoted value's quotes kept, so JSON still reads as JSON."""
    value = found.group(2)
    quote = value[0] if value[0] in "\"'" else ""
    return f"{found.group(1)}{quote}{HIDDEN}{quote}"


_UUID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def _hide_key_values(found: re.Match[str]) -> str:
    """A key's values hidden but its ids, which say which row it was."""
    values = (v if _UUID.fullmatch(v) else HIDDEN for v in found.group(2).split(", "))
    return f"{found.group(1)}{', '.join(values)}{found.group(3)}"


_PATTERNS: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    # ?token=... in alert and confirmation links, and any access or id token in a query;
    # ?email=... is whom an e-mail's link was for (the portal fills in its sign-in form).
    (
        re.compile(r"(?i)\b((?:access_|id_|refresh_)?token|signature|sig|code|email)=[^&\s\"'#]+"),
        r"\1=***",
    ),
    (re.compile(r"(?i)\b(bearer)\s+[\w.~+/=-]+"), r"\1 ***"),
    # A JWT anywhere: three base64url parts, the first of them a JSON header.
    (re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*"), HIDDEN),
    # user:password@ in a URL (a scheme is short: bounded, a long dotted word costs no more)
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://[^:/@\s]+):[^@\s/]+@"), r"\1:***@"),
    # A labelled value: JSON ("name": "Ada"), a repr (name='Ada'), a dict ('name': 'Ada'),
    # a form body or query (statement=I+would+like...&cv=...). A value written with spaces
    # and no quotes loses only its first word here.
    (
        re.compile(rf"(?i)({_PERSONAL_LABEL}[\"']?\s*[:=]\s*)({_QUOTED}|[^&\s\"',)]+)"),
        _hide_value,
    ),
    # PostgreSQL's detail of a unique or foreign key: Key (applicant_email)=(ada@...).
    (
        re.compile(r"(Key \([^)]*\)=\()([^\n]*?)(\) (?:already exists|is not present))"),
        _hide_key_values,
    ),
    # A display name before an address: Ada Okafor <ada@example.org>, "Okafor, Ada" <...>.
    (
        re.compile(
            rf"(?:\"[^\"\n]*\"\s*|(?:[A-Z][\w.'-]*\s+){{1,4}})<(?!{_ID_LOCAL})[^<>@\s]+@[^<>\s]+>"
        ),
        f"<{HIDDEN}>",
    ),
    # An address anywhere, plain or %-encoded in a URL.
    (
        re.compile(rf"(?i)(?<![\w.%+-])(?!{_ID_LOCAL})[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+"),
        f"{HIDDEN}@{HIDDEN}",
    ),
)


def scrub(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
