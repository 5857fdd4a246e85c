"""Form errors in the GOV.UK manner: a summary at the top linking to each field, and the
message beside the field it concerns.

    form = Form(await request.form())              # reading.py: errors as it reads
    statement = form.text("statement", "your personal statement")
    errors = form.errors
    if not errors:
        try:
            await services.applications.apply(...)
        except RemoteProblem as problem:        # a 409 or 422 shown; anything else raised
            errors = refusal(problem, fields={"placement_id": "placement"})
    if errors:  # the page again: what was sent, what was wrong, and the status
        return _page(request, Shown(form.values, errors, 422))

In the template: `{{ error_summary(errors) }}` at the top of the main column, and
`text_input("email", "Email address", value=form.email, errors=errors)` etc. (macros.html);
each macro shows `errors.get(name)` beside its field. A field's element id is its name
(a date's first box is `<name>-day`), which is where the summary links.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from mip.core.errors import RemoteProblem

# Where problem+json puts a field: "body.statement", "query.week", or just "statement".
_PREFIXES = ("body.", "query.", "path.", "form.")


class FormErrors:
    def __init__(self, fields: Mapping[str, str] | None = None, *, summary: str | None = None):
        self._fields: dict[str, str] = dict(fields or {})
        # A message for the whole form (shown in the summary without a link).
        self.summary = summary

    def add(self, field: str, message: str) -> None:
        """Keep the first message per field: it is the one to fix first."""
        self._fields.setdefault(field, message)

    def get(self, field: str) -> str | None:
        return self._fields.get(field)

    def __contains__(self, field: object) -> bool:
        return field in self._fields

    def __bool__(self) -> bool:
        return bool(self._fields) or self.summary is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """(field, message) in the order they were found, for the summary."""
        return iter(self._fields.items())

    def __len__(self) -> int:
        return len(self._fields) + (self.summary is not None)

    @classmethod
    def from_problem(
        cls,
        problem: RemoteProblem,
        *,
        fields: Mapping[str, str] | None = None,
        default_field: str | None = None,
    ) -> FormErrors:
        """The errors a service's problem+json names, put on this form's fields.

        `fields` maps the service's field names (the last part of `location`) to the form's;
        a field it does not name keeps its own name. A problem without field errors (a 409,
        an `ineligible`) lands on `default_field`, or in the summary if that is None.
        """
        mapping = dict(fields or {})
        errors = cls()
        body = problem.problem
        for entry in body.get("errors") or []:
            if not isinstance(entry, Mapping):
                continue
            location = str(entry.get("location", ""))
            for prefix in _PREFIXES:
                location = location.removeprefix(prefix)
            name = mapping.get(location, mapping.get(location.split(".")[-1], location))
            message = str(entry.get("message") or body.get("detail") or "Check this answer")
            if name:
                errors.add(name, _sentence(message))
        if not errors:
            detail = _sentence(str(body.get("detail") or body.get("title") or "That did not work"))
            if default_field is not None:
                errors.add(default_field, detail)
            else:
                errors.summary = detail
        return errors


@dataclass(frozen=True)
class Shown:
    """How a form's page is shown: the answers in its fields, what was wrong with them, and
    the status to answer with. `FIRST` is the page as first opened; a page shown again
    says why (422: the answers; a service's refusal: its status)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    errors: FormErrors = field(default_factory=FormErrors)
    status_code: int = 200

    def context(self) -> dict[str, Any]:
        """What the template reads of it: `form` and `errors`."""
        return {"form": self.values, "errors": self.errors}


FIRST = Shown()  # never changed: a page adds no error to it


def refusal(
    problem: RemoteProblem,
    *,
    shown: tuple[int, ...] = (409, 422),
    fields: Mapping[str, str] | None = None,
    default_field: str | None = None,
) -> FormErrors:
    """A service's refusal, put on the form, when its status is one this page shows
    (`shown`); any other problem is raised again, for errors.py's pages."""
    if problem.status not in shown:
        raise problem
    return FormErrors.from_problem(problem, fields=fields, default_field=default_field)


def problem_errors(
    problem: RemoteProblem,
    fields: Mapping[str, str] | None = None,
    default: str | None = None,
    *,
    shown: tuple[int, ...] | None = None,
) -> FormErrors:
    """A service's refusal on this form: its field errors where it names fields, else on
    the field its `field` extension names (a 409 about one answer), else `default` or the
    summary. With `shown`, as `refusal`: any other status is raised again."""
    mapping = dict(fields or {})
    named = problem.problem.get("field")
    target = mapping.get(named, named) if isinstance(named, str) else default
    return refusal(problem, shown=shown or (problem.status,), fields=mapping, default_field=target)


def model_errors(exc: ValidationError, fields: Mapping[str, str] | None = None) -> FormErrors:
    """What a published body's own checks found, on the form's fields."""
    mapping = dict(fields or {})
    errors = FormErrors()
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()))
        name = mapping.get(location, location.split(".")[0] or "form")
        message = str(error.get("msg", "Check this answer")).removeprefix("Value error, ")
        errors.add(name, _sentence(message))
    return errors


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text
