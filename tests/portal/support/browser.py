"""Driving Debian's chromium with Playwright (its own browser download is not needed),
axe-core's accessibility checks on each page a test visits, and what axe-core does not
check: that a page reflows on a narrow screen, and that no message on it is Python's."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

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


class SignIn(Protocol):
    """Signs `page` in as `email`; `check`, if given, is called on each page on the way."""

    async def __call__(self, page: Page, email: str, check: Check | None = None) -> Page: ...


# What only Python writes: a class, an object's address, a traceback, an exception's repr.
PYTHON_WORDS = re.compile(
    r"<class '|\bobject at 0x[0-9a-fA-F]+|Traceback \(most recent call last\)"
    r"|\b[A-Z]\w*(?:Error|Exception)\(|\bdecimal\.[A-Z]|\bConversionSyntax\b"
)
# The innermost elements reaching past the right edge of the screen, by their box or by
# text overflowing it, when the page scrolls sideways: where to look first.
_STICKING_OUT = """() => {
  const root = document.documentElement, edge = root.clientWidth + 0.5;
  if (root.scrollWidth <= root.clientWidth) return {by: 0, what: []};
  const past = new Set([...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.right > edge || box.left + el.scrollWidth > edge;
  }));
  const what = [...past].filter((el) => ![...el.children].some((c) => past.has(c)));
  return {by: root.scrollWidth - root.clientWidth, what: what.slice(0, 5).map((el) => {
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    return `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") || ""}"> "${text}"`;
  })};
}"""


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


async def assert_reflows(page: Page) -> None:
    """Nothing on the page scrolls it sideways at its width (WCAG 2.2, 1.4.10 reflow): a
    table may scroll inside its own box, the page may not."""
    found = await page.evaluate(_STICKING_OUT)
    width = page.viewport_size["width"] if page.viewport_size else "?"
    assert found["by"] == 0, (
        f"{page.url} scrolls sideways by {found['by']} px at {width} px wide; past the edge: "
        + "; ".join(found["what"])
    )


async def assert_no_python(page: Page) -> None:
    """No message on the page shows a Python type, repr or traceback."""
    text = await page.locator("body").inner_text()
    shown = [m.group(0) for m in PYTHON_WORDS.finditer(text)]
    assert not shown, f"{page.url} shows Python's words to a person: {shown}"
