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
