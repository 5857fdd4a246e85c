"""Reading what the stack mailed: the sign-in link a person would click."""

from __future__ import annotations

import re
from email.message import EmailMessage

from launcher.mailcatcher import MailCatcher
from tests.support.waiting import eventually

_LINK = re.compile(r"https?://\S+/sign-in/link\?\S+")


def mails_to(smtp: MailCatcher, address: str, kind: str) -> list[EmailMessage]:
    return [
        m
        for m in smtp.store.messages()
        if m["X-MIP-Kind"] == kind and address.lower() in str(m["To"]).lower()
    ]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


async def next_mail(
    smtp: MailCatcher, address: str, kind: str, *, after: int, timeout_s: float = 20
) -> EmailMessage:
    """The first message of `kind` to `address` beyond the `after` already there."""

    async def arrived() -> EmailMessage | None:
        found = mails_to(smtp, address, kind)
        return found[after] if len(found) > after else None

    return await eventually(arrived, timeout_s)


def sign_in_link(message: EmailMessage) -> str:
    found = _LINK.search(text_of(message))
    assert found is not None, text_of(message)
    return found.group(0)
