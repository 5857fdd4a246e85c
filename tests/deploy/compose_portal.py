"""The compose smoke's look at the front door and at what Prometheus sees (CI only).

- People sign in at the published portal as a browser without JavaScript does: the form
  with its CSRF token, cookies kept, the link read from the e-mail the mail catcher got,
  "Sign in" pressed. The link is mailed only if the applications service took the
  portal's own token, and an applicant's applications or a host's placements are listed
  only if the services took the person's: both are checked against the portal's JWKS,
  fetched across the compose network.
- /metrics of the applications service (its published loopback port) and of every
  running worker, reached as deploy/observability/prometheus.compose.yml reaches them:
  the compose name `worker` resolves to each replica, scraped on port 9464.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

Eventually = Callable[[str, Callable[[], Awaitable[Any]], float], Awaitable[Any]]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_TOKEN = re.compile(r'name="token" value="([^"]+)"')
_LINK = re.compile(r"https?://\S+/sign-in/link\?\S+")


def _field(pattern: re.Pattern[str], page: httpx.Response) -> str:
    found = pattern.search(page.text)
    if found is None:
        raise AssertionError(f"{page.url}: no {pattern.pattern!r} in the page")
    return found.group(1)


def _loopback_browser() -> dict[str, list[Callable[[Any], Awaitable[None]]]]:
    """Cookies kept as a browser keeps them for http://127.0.0.1. The portal's cookies are
    Secure outside development; browsers treat loopback as a secure context and send
    them, Python's cookie jar sends them over HTTP only when told, and httpx copies its jar
    into one with the default policy for each request: so a jar of our own, told, sets the
    Cookie header of every request. This client talks to loopback alone."""
    jar = httpx.Cookies(CookieJar(DefaultCookiePolicy(secure_protocols=("https", "http"))))

    async def send(request: httpx.Request) -> None:
        request.headers.pop("cookie", None)
        jar.set_cookie_header(request)

    async def keep(response: httpx.Response) -> None:
        jar.extract_cookies(response)

    return {"request": [send], "response": [keep]}


class Portal:
    def __init__(self, url: str, mail: str, eventually: Eventually) -> None:
        self.url = url
        self.mail = mail  # the mail catcher's web address
        self.eventually = eventually

    async def _sign_in_mails(self, mail: httpx.AsyncClient, email: str) -> list[str]:
        listed = (await mail.get(f"{self.mail}/messages.json")).raise_for_status().json()
        return [
            m["name"]
            for m in listed
            if m.get("X-MIP-Kind") == "sign_in" and email in m.get("To", "")
        ]

    async def _link(self, mail: httpx.AsyncClient, email: str, before: int) -> str:
        async def arrived() -> list[str] | None:
            names = await self._sign_in_mails(mail, email)
            return names if len(names) > before else None

        name = (await self.eventually(f"a sign-in link for {email}", arrived, 30))[before]
        raw = (await mail.get(f"{self.mail}/messages/{name}/raw")).raise_for_status()
        message = message_from_bytes(raw.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain",))
        found = _LINK.search(body.get_content() if body is not None else "")
        if found is None:
            raise AssertionError(f"no sign-in link in {name}")
        return found.group(0)

    async def sign_in(self, http: httpx.AsyncClient, email: str) -> str:
        """Sign `http` in as `email`; the address of the page it lands on."""
        async with httpx.AsyncClient(timeout=10) as mail:
            before = len(await self._sign_in_mails(mail, email))
            form = (await http.get(f"{self.url}/sign-in")).raise_for_status()
            asked = await http.post(
                f"{self.url}/sign-in", data={"email": email, "csrf_token": _field(_CSRF, form)}
            )
            if asked.status_code != 303:
                raise AssertionError(f"asking for a link: {asked.status_code} {asked.text}")
            link = await self._link(mail, email, before)
        if not link.startswith(f"{self.url}/"):
            raise AssertionError(f"{link} is not at MIP_PORTAL_PUBLIC_URL {self.url}")
        confirm = (await http.get(link)).raise_for_status()
        used = await http.post(
            f"{self.url}/sign-in/link",
            data={"token": _field(_TOKEN, confirm), "csrf_token": _field(_CSRF, confirm)},
        )
        if used.status_code != 303:
            raise AssertionError(f"using the link: {used.status_code} {used.text}")
        return f"{self.url}{used.headers['location']}"

    @asynccontextmanager
    async def signed_in(self, email: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
        """A browser of `email`'s own, signed in, and the page it landed on."""
        async with httpx.AsyncClient(timeout=30, event_hooks=_loopback_browser()) as http:
            yield http, await self.sign_in(http, email)

    @staticmethod
    async def read(http: httpx.AsyncClient, url: str, *, shows: tuple[str, ...]) -> None:
        page = await http.get(url)
        if page.status_code != 200:
            raise AssertionError(f"{url}: {page.status_code} {page.text[:500]}")
        missing = [text for text in shows if text not in page.text]
        if missing:
            raise AssertionError(f"{url} does not show {missing}")


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def total(found: Samples, name: str, **labels: str) -> float:
    """The sum of `name`'s samples with these labels. The parser names a counter's samples
    `<name>_total`, the Temporal SDK's own counters included, which are exported without."""
    wanted, names = set(labels.items()), {name, f"{name}_total"}
    return sum(v for (n, ls), v in found.items() if n in names and wanted <= ls)


# Run inside a MIP container: every replica the compose name `worker` resolves to.
_SCRAPE_WORKERS = """
import json, socket, urllib.request
replicas = {a[4][0] for a in socket.getaddrinfo("worker", 9464, proto=socket.IPPROTO_TCP)}
found = {}
for ip in sorted(replicas):
    try:
        found[ip] = urllib.request.urlopen(f"http://{ip}:9464/metrics", timeout=5).read().decode()
    except OSError as exc:  # a killed replica's address may linger a moment
        found[ip] = repr(exc)
print(json.dumps(found))
"""


def scrape_workers(inside: str) -> dict[str, str]:
    """Each worker replica's /metrics text (or why not), by address, from `inside`."""
    done = subprocess.run(
        ["docker", "exec", inside, "python", "-c", _SCRAPE_WORKERS],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    found: dict[str, str] = json.loads(done.stdout)
    return found
