"""Delivery over SMTP, with every failure sorted into "try again later" or "never"."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from opentelemetry.trace import SpanKind

from mip.core import telemetry


class DeliveryFailure(Exception):
    def __init__(self, detail: str, code: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


class TemporaryFailure(DeliveryFailure):
    """The server is down, busy or answered 4xx: the same message may go through later."""


class PermanentFailure(DeliveryFailure):
    """Retrying cannot help: the server answered 5xx (a refused address or message), or
    the address needs SMTPUTF8 and the server has none."""


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


@dataclass(frozen=True)
class Delivered:
    """The server took the message; `refused` are recipients it would not take, with why."""

    answer: str
    refused: dict[str, str] = field(default_factory=dict)


def _non_ascii_addresses(message: EmailMessage) -> list[str]:
    fields = (message.get_all(name) or [] for name in ("From", "To", "Cc", "Bcc"))
    return [str(value) for values in fields for value in values if not str(value).isascii()]


async def deliver(target: SmtpTarget, message: EmailMessage, *, timeout_s: float) -> Delivered:
    """Send `message`; return the server's answer, or raise a DeliveryFailure."""
    # The last step of a submission's trace: the conversation with the SMTP server.
    with telemetry.tracer().start_as_current_span(
        "smtp send",
        kind=SpanKind.CLIENT,
        attributes={
            "server.address": target.host,
            "server.port": target.port,
            "mip.mail.kind": str(message.get("X-MIP-Kind", "")),
        },
    ):
        return await _send(target, message, timeout_s=timeout_s)


async def _send(target: SmtpTarget, message: EmailMessage, *, timeout_s: float) -> Delivered:
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
    except aiosmtplib.SMTPNotSupported as exc:
        # A non-ASCII address needs SMTPUTF8; a server without it will never take it.
        non_ascii = _non_ascii_addresses(message)
        if non_ascii:
            raise PermanentFailure(
                f"the server does not support SMTPUTF8, needed for {', '.join(non_ascii)}: {exc}"
            ) from exc
        raise TemporaryFailure(f"{target.host}:{target.port} cannot send it: {exc}") from exc
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise TemporaryFailure(f"cannot reach {target.host}:{target.port}: {exc}") from exc
    return Delivered(
        answer=answer,
        refused={addr: f"{resp.code} {resp.message}" for addr, resp in refused.items()},
    )
