"""The dev stack's mail catcher is a real SMTP server whose messages a person can read."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx

from launcher.mailcatcher import MailCatcher, web_app


async def test_mail_sent_over_smtp_is_kept_and_listed(tmp_path: Path) -> None:
    catcher = MailCatcher(tmp_path / "mail")
    await catcher.start()
    try:
        message = EmailMessage()
        message["From"] = "internships@example.org"
        message["To"] = "postdoc@example.org"
        message["Subject"] = "Your application <script>alert(1)</script> was received"
        message.set_content("Thank you for applying.")
        await aiosmtplib.send(message, hostname="127.0.0.1", port=catcher.port)
    finally:
        await catcher.stop()

    [kept] = catcher.store.messages()
    assert kept["To"] == "postdoc@example.org"
    assert kept.get_content().strip() == "Thank you for applying."

    transport = httpx.ASGITransport(app=web_app(catcher.store))
    async with httpx.AsyncClient(transport=transport, base_url="http://mail") as http:
        page = (await http.get("/")).text
        name = catcher.store.paths()[0].name
        raw = await http.get(f"/messages/{name}")
        missing = await http.get("/messages/..%2Fsecret.eml")
    assert "1 message(s)" in page
    assert "&lt;script&gt;" in page
    assert "<script>" not in page
    assert "Thank you for applying." in raw.text
    assert missing.status_code == 404


async def test_a_message_reads_as_a_person_reads_it_with_the_raw_source_a_click_away(
    tmp_path: Path,
) -> None:
    catcher = MailCatcher(tmp_path / "mail")
    await catcher.start()
    try:
        message = EmailMessage()
        message["From"] = "internships@example.org"
        message["To"] = "postdoc@example.org"
        message["Subject"] = "Your placement starts on Monday"
        message.set_content("Café at 9:30 — bring a laptop.", cte="quoted-printable")
        message.add_alternative(
            "<p>Caf\u00e9 at <b>9:30</b></p><script>alert('x')</script>",
            subtype="html",
            cte="base64",
        )
        message.add_attachment(
            b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            maintype="text",
            subtype="calendar",
            filename="placement.ics",
        )
        await aiosmtplib.send(message, hostname="127.0.0.1", port=catcher.port)
    finally:
        await catcher.stop()

    name = catcher.store.paths()[0].name
    transport = httpx.ASGITransport(app=web_app(catcher.store))
    async with httpx.AsyncClient(transport=transport, base_url="http://mail") as http:
        index = (await http.get("/")).text
        page = (await http.get(f"/messages/{name}")).text
        raw_link = f"/messages/{name}/raw"
        raw = await http.get(raw_link)
    assert f'href="/messages/{name}"' in index
    # The text part decoded from quoted-printable.
    assert "Café at 9:30 — bring a laptop." in page
    # The HTML part, decoded from base64, only inside a sandboxed frame's escaped srcdoc.
    assert "<iframe sandbox" in page
    assert "&lt;b&gt;9:30&lt;/b&gt;" in page
    assert "<script>" not in page
    assert "<b>9:30</b>" not in page
    # The attachment listed, and the raw source a link away.
    assert "placement.ics" in page
    assert "text/calendar" in page
    assert f'href="{raw_link}"' in page
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("message/rfc822")
    assert raw.content == catcher.store.paths()[0].read_bytes()
    assert b"Content-Transfer-Encoding: base64" in raw.content
