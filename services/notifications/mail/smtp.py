"""Delivery over SMTP, with every failure sorted into "try again later" or "never"."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib


class DeliveryFailure(Exception):
    def __init__(self, detail: str, code: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


class TemporaryFailure(DeliveryFailure):
    """The server is down, busy or answered 4xx: the same message may go through later."""


class PermanentFailure(DeliveryFailure):
    """The server answered 5xx (a bad address, a refused message): retrying cannot help."""


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    use_tls: bool = False
    start_tls: bool | None = None  # None: upgrade if the server offers it
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpTarget:
        """`smtp://user:pass@host:587?starttls=require`, or `smtps://host:465` for TLS."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"SMTP_URL must look like smtp://host:port, not {url!r}")
        implicit_tls = parts.scheme == "smtps"
        mode = parse_qs(parts.query).get("starttls", ["auto"])[0]
        start_tls = {"require": True, "off": False}.get(mode)
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit_tls else 25),
            use_tls=implicit_tls,
            start_tls=False if implicit_tls else start_tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


async def deliver(target: SmtpTarget, message: EmailMessage, *, timeout_s: float) -> str:
    """Send `message`; return the server's answer, or raise a DeliveryFailure."""
    try:
        refused, answer = await aiosmtplib.send(
            message,
            hostname=target.host,
            port=target.port,
            use_tls=target.use_tls,
            start_tls=target.start_tls,
            username=target.username,
            password=target.password,
            timeout=timeout_s,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        if all(_is_permanent(c) for c in codes):
            raise PermanentFailure(detail, codes[0]) from exc
        raise TemporaryFailure(detail, codes[0]) from exc
    except aiosmtplib.SMTPResponseException as exc:
        failure = PermanentFailure if _is_permanent(exc.code) else TemporaryFailure
        raise failure(f"{exc.code} {exc.message}", exc.code) from exc
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise TemporaryFailure(f"cannot reach {target.host}:{target.port}: {exc}") from exc
    if refused:
        partly = "; ".join(f"{addr}: {resp.code} {resp.message}" for addr, resp in refused.items())
        return f"{answer} (refused: {partly})"
    return answer
