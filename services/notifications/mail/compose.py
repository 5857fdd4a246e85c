"""Turn a rendered message into the MIME message that goes over the wire."""

from __future__ import annotations

import hashlib
from email import policy
from email.message import EmailMessage
from email.utils import formatdate

from services.notifications.mail.render import Rendered

# RFC 5322's limit, not its 78-character advice: Python folds a header whose first word
# runs past 78 onto a line of its own, and the subject is then read back with a space in
# front of it ("Subject:\n Application support session, ...").
POLICY = policy.default.clone(max_line_length=998)


def message_id_for(idempotency_key: str, domain: str) -> str:
    """The same key always gives the same Message-ID, so even a duplicate is recognisable."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def compose(
    rendered: Rendered,
    *,
    sender: str,
    reply_to: str,
    to: list[str],
    message_id: str,
    kind: str,
    unsubscribe_url: str | None = None,
    ics: bytes | None = None,
) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["Reply-To"] = reply_to
    message["To"] = ", ".join(to)
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message["X-MIP-Kind"] = kind
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if ics is not None:
        message.add_attachment(
            ics,
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": "PUBLISH"},
        )
    return message
