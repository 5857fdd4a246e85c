"""The dev stack's mail catcher is a real SMTP server whose messages a person can read, and
whose links (a sign-in link above all) open with one click from either view."""

from __future__ import annotations

import html
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.async_api import async_playwright

from launcher.mailcatcher import MailCatcher, MailStore, render_message, web_app
from services.portal.app import SECURITY_HEADERS
from tests.portal.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.servers import free_port
from tests.support.stack import _serving


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


def test_the_text_view_makes_each_web_address_a_link_and_nothing_else_markup() -> None:
    message = EmailMessage()
    message["Subject"] = "Your link to sign in"
    message.set_content(
        "Open http://127.0.0.1:8000/sign-in/abc?next=%2Fme&x=1.\n"
        'Not this: "https://evil.example/"><script>alert(1)</script>\n'
        "Nor mailto:office@example.org or ftp://files.example.org/a\n"
    )
    page = render_message("1.eml", message)
    assert (
        'Open <a href="http://127.0.0.1:8000/sign-in/abc?next=%2Fme&amp;x=1" target="_blank" '
        'rel="noopener noreferrer">http://127.0.0.1:8000/sign-in/abc?next=%2Fme&amp;x=1</a>.'
    ) in page
    assert '<a href="https://evil.example/" ' in page
    assert "&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert page.count("<a href=") == 4  # the link above, the evil one, All mail, Raw


def _stand_in_portal(signed_in: list[str]) -> FastAPI:
    """A sign-in page as the portal serves one: it may not be framed, and signing in is a
    form to post (which a page left sandboxed could not)."""
    portal = FastAPI()

    @portal.get("/sign-in/{token}", response_class=HTMLResponse)
    async def ask(token: str) -> HTMLResponse:
        form = '<form method="post"><button>Sign in</button></form>'
        return HTMLResponse(form, headers=SECURITY_HEADERS)

    @portal.post("/sign-in/{token}", response_class=HTMLResponse)
    async def sign_in(token: str) -> HTMLResponse:
        signed_in.append(token)
        return HTMLResponse("<p>You are signed in</p>", headers=SECURITY_HEADERS)

    return portal


async def test_a_sign_in_link_opens_with_one_click_from_either_view(tmp_path: Path) -> None:
    signed_in: list[str] = []
    portal_port, mail_port = free_port(), free_port()
    link = f"http://127.0.0.1:{portal_port}/sign-in/t0k3n?next=%2Fapplications&from=mail"
    message = EmailMessage()
    message["Subject"] = "Your link to sign in"
    message.set_content(f"To sign in, open this link:\n\n{link}\n")
    message.add_alternative(
        '<!doctype html>\n<html lang="en"><body>'
        f'<p><a href="{html.escape(link)}">Sign in to micro-internships</a></p></body></html>',
        subtype="html",
    )
    store = MailStore(tmp_path / "mail")
    name = store.save(bytes(message)).name
    async with (
        _serving(web_app(store), mail_port),
        _serving(_stand_in_portal(signed_in), portal_port),
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = await browser.new_context()
            context.set_default_timeout(15_000)
            page = await context.new_page()
            await page.goto(f"http://127.0.0.1:{mail_port}/messages/{name}")
            frame = page.frame_locator("iframe")
            for view in (
                page.get_by_role("link", name=link),
                frame.get_by_role("link", name="Sign in to micro-internships"),
            ):
                async with context.expect_page() as opened:
                    await view.click()
                tab = await opened.value
                await tab.get_by_role("button", name="Sign in").click()
                await tab.get_by_text("You are signed in").wait_for()
                assert tab.url.startswith(f"http://127.0.0.1:{portal_port}/sign-in/t0k3n")
                await tab.close()
            # The mail stays open where it was, for the next link.
            assert page.url == f"http://127.0.0.1:{mail_port}/messages/{name}"
        finally:
            await browser.close()
    assert signed_in == ["t0k3n", "t0k3n"]
