"""Every portal template compiles against the portal's own environment: a filter or test
that does not exist (a renamed one) fails here, not on a person's page."""

from __future__ import annotations

import pytest

from services.portal.rendering import TEMPLATES, templates

NAMES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", NAMES)
def test_the_template_compiles_with_the_portal_s_filters(name: str) -> None:
    templates.get_template(name)
