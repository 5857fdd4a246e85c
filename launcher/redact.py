"""What `mip dev` prints carries no secret: passwords in URLs are masked.

``postgresql://mip:s3cret@db:5432/mip`` is printed as ``postgresql://mip:***@db:5432/mip``,
and a ``password=`` (or ``pass``, ``pwd``, ``secret``, ``token``) query parameter likewise.
"""

from __future__ import annotations

import re

MASK = "***"
# A scheme, then the authority up to its last "@": what precedes that "@" is the userinfo.
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^\s/?#]*)@")
_SECRET_PARAM = re.compile(
    r"(?P<key>[?&;](?:password|passwd|pass|pwd|secret|token|api_key|apikey)=)[^&;#\s]*",
    re.IGNORECASE,
)


def _userinfo(match: re.Match[str]) -> str:
    user, colon, _ = match["userinfo"].partition(":")
    return f"{match['scheme']}{user}{colon and ':' + MASK}@"


def mask_secrets(text: str) -> str:
    """`text` with every URL's password, and every password-like query value, masked."""
    return _SECRET_PARAM.sub(rf"\g<key>{MASK}", _USERINFO.sub(_userinfo, text))
