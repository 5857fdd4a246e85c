"""Links in alert e-mail: the token in the link is the credential, no sign-in needed."""

from __future__ import annotations

from urllib.parse import urlencode


def confirm_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/v1/alerts/confirm?{urlencode({'token': token})}"


def unsubscribe_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/v1/alerts/unsubscribe?{urlencode({'token': token})}"
