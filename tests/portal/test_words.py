"""The words on every portal page, read from the templates themselves: no rule ids (they
belong in `{# #}` comments, for developers), no doubled words, no "(s)", "email" as GOV.UK
spells it, no time formatted anywhere but through mip.core.when's filters, and no year
written in: an example date in a hint is of the current year, by the portal's clock.

A template's text is what sits between its tags plus the strings in its Jinja code (labels,
hints, table headings) and the attributes a screen reader says. Jinja expressions count as
a word of their own, so "the {{ name }} the" is not a doubled word but "the the" is.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from services.portal.rendering import TEMPLATES

PORTAL = TEMPLATES.parent
COMMENT = re.compile(r"\{#.*?#\}", re.S)
CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
LITERAL = re.compile(r'"([^"\\]*)"|\'([^\'\\]*)\'')
SPOKEN = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"{]*)"')
# Text in one paragraph or cell runs on through inline tags; any other tag ends it.
INLINE_TAG = re.compile(r"</?(?:a|abbr|b|code|em|i|span|strong|time)\b[^>]*>")
TAG = re.compile(r"<[^>]*>")
BREAK = " \N{OBJECT REPLACEMENT CHARACTER} "
RULE = re.compile(r"\b[RP]\d{1,2}\b")
DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.I)
E_MAIL = re.compile(r"\be-mail", re.I)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A time formatted by hand, not by the `when` filters (a `datetime` attribute is for
# machines, so `.isoformat()` is allowed there).
HAND_MADE_TIME = re.compile(r"strftime|%[HMSIpaAbBdY]\b|tzname|\bGMT\b|\bBST\b|\bUTC\b")
MACHINE_TIME = re.compile(r'datetime="\{\{ [\w.]+\.isoformat\(\) \}\}"')


def readable(source: str) -> list[str]:
    """The pieces of a template's text that a person may read or hear."""
    source = COMMENT.sub(" ", source)
    pieces = [
        m.group(1) or m.group(2) or ""
        for code in CODE.findall(source)
        for m in LITERAL.finditer(code)
    ]
    pieces += SPOKEN.findall(source)
    text = TAG.sub(BREAK, INLINE_TAG.sub(" ", CODE.sub(BREAK, source)))
    return [p for p in [*pieces, text] if p.strip()]


def faults(source: str) -> list[str]:
    found = []
    for piece in readable(source):
        found += [f"rule id {m.group()!r}" for m in RULE.finditer(piece)]
        found += [f"doubled word {' '.join(m.group().split())!r}" for m in DOUBLED.finditer(piece)]
        found += ['"(s)"'] * piece.count("(s)")
        found += [f"{m.group()!r}, not email" for m in E_MAIL.finditer(piece)]
        found += [f"a year written in: {m.group()!r}" for m in YEAR.finditer(piece)]
    code = MACHINE_TIME.sub("", COMMENT.sub(" ", source))
    found += [f"a time made by hand: {m.group()!r}" for m in HAND_MADE_TIME.finditer(code)]
    return found


TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.html"))


def test_every_template_is_read() -> None:
    assert len(TEMPLATE_FILES) > 50
    assert {p.parent.name for p in TEMPLATE_FILES} >= {"applicant", "host", "office", "public"}


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_template_speaks_plainly(path: Path) -> None:
    assert faults(path.read_text()) == []


def _strings_people_read(path: Path) -> list[str]:
    """Every string in a module of the portal but its docstrings (which are for developers)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    "path", sorted(PORTAL.rglob("*.py")), ids=lambda p: str(p.relative_to(PORTAL))
)
def test_the_portals_own_messages_speak_plainly(path: Path) -> None:
    """Banners, labels and error messages written in Python reach pages too."""
    for text in _strings_people_read(path):
        assert not RULE.search(text), text
        assert not DOUBLED.search(text), text
        assert "(s)" not in text, text
        assert not E_MAIL.search(text), text


@pytest.mark.parametrize(
    ("source", "fault"),
    [
        ("<p>Allowed £6.20 owed (R25).</p>", "rule id 'R25'"),
        ('{{ summary_list([("Rule", "P5")]) }}', "rule id 'P5'"),
        ("<p>Join the the list</p>", "doubled word 'the the'"),
        ("<p>Join <strong>the</strong> the list</p>", "doubled word 'the the'"),
        ("<p>2 application(s)</p>", '"(s)"'),
        ('<input aria-label="Your E-mail address">', "'E-mail', not email"),
        ("<p>{{ at.strftime('%H:%M') }}</p>", "a time made by hand: 'strftime'"),
        ("<p>12:00 GMT</p>", "a time made by hand: 'GMT'"),
        ('{{ date_input("d", "Day", hint="For example, 1 4 2019") }}', "a year written in: '2019'"),
    ],
)
def test_the_check_finds_each_fault(source: str, fault: str) -> None:
    assert fault in faults(source)


@pytest.mark.parametrize(
    "source",
    [
        "{#- R24-R28, P5: one claim, its lines -#}<h1>Claim</h1>",
        '<ul class="list list--plain"><li>One</li></ul>',
        "<p>the {{ name }} the</p>",
        '<time datetime="{{ offer.expires_at.isoformat() }}">{{ offer.expires_at | when }}</time>',
        "<p>{{ n | plural('place') }}</p>",
        '{{ date_input("d", "Day", hint="For example, " ~ (now | example_day(3, 13))) }}',
    ],
)
def test_the_check_passes_plain_pages(source: str) -> None:
    assert faults(source) == []
