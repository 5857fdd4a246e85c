"""What must never leave a process in a log line or a span: bearer tokens, signed links'
tokens and passwords in URLs. Applicants' statements and CVs are kept out by never being
logged or recorded at all (SQL parameters are not captured); this is the second line."""

from __future__ import annotations

import re

_PATTERNS = (
    # ?token=... in alert and confirmation links, and any access or id token in a query;
    # ?email=... is whom an e-mail's link was for (the portal fills in its sign-in form).
    (
        re.compile(r"(?i)\b((?:access_|id_|refresh_)?token|signature|sig|code|email)=[^&\s\"'#]+"),
        r"\1=***",
    ),
    (re.compile(r"(?i)\b(bearer)\s+[\w.~+/=-]+"), r"\1 ***"),
    # A JWT anywhere: three base64url parts, the first of them a JSON header.
    (re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*"), "***"),
    # user:password@ in a URL
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+):[^@\s/]+@"), r"\1:***@"),
)


def scrub(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
