"""Calendar attachments: placement days as all-day events, a support session as a slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from services.notifications.contract import CalendarEvent


def render_ics(spec: CalendarEvent, *, organizer: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//MIP//Micro-Internship Programme//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    stamp = datetime.now(UTC)
    if spec.days:
        slots = [(day, day + timedelta(days=1), f"{spec.uid}-{day:%Y%m%d}") for day in spec.days]
    elif spec.starts_at and spec.ends_at:
        slots = [(spec.starts_at, spec.ends_at, spec.uid)]
    else:
        raise ValueError("a calendar event needs days, or a start and an end")
    for starts, ends, uid in slots:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", starts)
        event.add("dtend", ends)
        event.add("summary", spec.summary)
        if spec.description:
            event.add("description", spec.description)
        if spec.location:
            event.add("location", spec.location)
        event.add("organizer", f"mailto:{organizer}")
        if spec.sequence:
            event.add("sequence", spec.sequence)
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
