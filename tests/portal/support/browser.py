"""Driving Debian's chromium with Playwright (its own browser download is not needed),
and axe-core's accessibility checks on each page a test visits."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

CHROMIUM = "/usr/bin/chromium"
# --no-sandbox: these machines run as root in a container; the rest keep chromium to
# what a headless test needs (no GPU, no /dev/shm of its own, nothing fetched).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--no-first-run",
]
BLOCKING = ("serious", "critical")
AXE_TIMEOUT_S = 30
_axe = Axe()

# The types of the portal's browser fixtures (tests/portal/conftest.py), as tests and
# journeys annotate them: `assert_accessible`, `new_page` and `sign_in`.
Check = Callable[[Page], Awaitable[None]]
NewPage = Callable[..., Awaitable[Page]]
SignIn = Callable[[Page, str], Awaitable[Page]]


async def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now.

    axe-core is JavaScript: on a page opened with JavaScript off, Playwright's evaluate
    never answers, so this gives up after AXE_TIMEOUT_S saying so (check the same page
    in a context with JavaScript on)."""
    try:
        results = await asyncio.wait_for(_axe.run(page), AXE_TIMEOUT_S)
    except TimeoutError as exc:
        raise AssertionError(
            f"axe-core did not answer on {page.url}: is JavaScript off in this context?"
        ) from exc
    violations: list[dict[str, Any]] = results.response["violations"]
    return [v for v in violations if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return "\n".join(lines)
