"""Every kind of message renders from its template, escaped, with plain wording."""

from __future__ import annotations

import pytest

from services.notifications.contract import MessageKind
from services.notifications.mail.render import Renderer, TemplateError
from tests.support.mail_samples import SAMPLES

renderer = Renderer(office_email="internships@example.org")


@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_has_a_subject_text_and_html(kind: MessageKind) -> None:
    rendered = renderer.render(kind, SAMPLES[kind])
    assert rendered.subject
    assert "\n" not in rendered.subject
    assert "internships@example.org" in rendered.text
    assert rendered.html.startswith("<!doctype html>")
    assert "<Lovelace>" not in rendered.html  # names are escaped in HTML


def test_html_is_escaped_but_text_is_as_written() -> None:
    rendered = renderer.render(MessageKind.offer_lapsed, SAMPLES[MessageKind.offer_lapsed])
    assert "Dr Ada &lt;Lovelace&gt;" in rendered.html
    assert "Dear Dr Ada <Lovelace>," in rendered.text


def test_missing_data_is_an_error_not_an_empty_greeting() -> None:
    with pytest.raises(TemplateError, match="applicant_name"):
        renderer.render(MessageKind.offer_lapsed, {"placement_title": "x", "host_name": "y"})


def test_confirmation_says_when_the_statement_was_cut() -> None:
    text = renderer.render(MessageKind.confirmation, SAMPLES[MessageKind.confirmation]).text
    assert "longer than 300 words" in text
    assert "the host will read its first 300 words" in text
