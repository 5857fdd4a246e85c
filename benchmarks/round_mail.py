"""What the SMTP server received for one round, as `whole_round` reports it: the hosts'
digests, offers and what became of them, outcomes and their timing, and doubles.

A message's arrival is the leading nanoseconds of the mail catcher's file name. Figures
count only the round's people: its applicants, and its hosts (by their contact address).

Offers "passed on": for each placement, the offers made beyond the first wave, i.e.
offers made minus min(places, candidates ranked), never below 0. Each is a place passed
to the next candidate after a decline, a lapse or a withdrawal (an accepted offer
elsewhere). A digest "asks to rank" when it has the on-time wording ("send your
ranking"); one that arrives after the outcomes instant should have the late wording
("the time to choose has passed", services/notifications/templates/forwarded_digest.txt).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

from benchmarks.common import percentile
from benchmarks.setup_round import Round

OFFER_SUBJECT = re.compile(r"^An offer: (.*?) at ")
ASKS_TO_RANK = "send your ranking"
# What tells an applicant the outcome of an application.
OUTCOME_KINDS = ("offer", "not_successful")


@dataclass(frozen=True)
class Mail:
    at_ns: int
    kind: str
    to: str  # the first addressee
    subject: str
    message_id: str
    asks_to_rank: bool = False  # a digest's on-time wording


def read_mail(mail_dir: Path, since_ns: int, people: set[str]) -> list[Mail]:
    """Every message since `since_ns` whose first addressee is one of `people`."""
    found = []
    parser = BytesParser(policy=default)
    for path in sorted(mail_dir.glob("*.eml")):
        at_ns = int(path.name.split("-", 1)[0])
        if at_ns < since_ns:
            continue
        with path.open("rb") as handle:
            message = parser.parse(handle)
        to = str(message["To"]).split(",")[0].strip()
        if to not in people:
            continue
        kind = str(message["X-MIP-Kind"])
        asks = False
        if kind == "forwarded_digest":
            body = message.get_body(("plain",))
            asks = ASKS_TO_RANK in (body.get_content() if body else "")
        subject, message_id = str(message["Subject"]), str(message["Message-ID"])
        found.append(Mail(at_ns, kind, to, subject, message_id, asks))
    return found


def _ns(instant: datetime) -> int:
    return int(instant.timestamp() * 1_000_000_000)


def _after(mail: list[Mail], instant: datetime) -> list[float]:
    """Each message's arrival, in seconds after `instant`."""
    return [(m.at_ns - _ns(instant)) / 1e9 for m in mail]


def digests(mail: list[Mail], deadline: datetime, outcomes_at: datetime) -> dict[str, Any]:
    sent = [m for m in mail if m.kind == "forwarded_digest"]
    seconds = _after(sent, deadline)
    late = [m for m in sent if m.at_ns > _ns(outcomes_at)]
    return {
        "arrived": len(sent),
        "s_after_deadline_min": round(min(seconds, default=float("nan")), 1),
        "s_after_deadline_p50": round(percentile(seconds, 50), 1),
        "s_after_deadline_max": round(max(seconds, default=float("nan")), 1),
        "arrived_after_outcomes": len(late),
        "digests_asking_to_rank_late": sum(m.asks_to_rank for m in late),
        "late_wording_before_outcomes": sum(
            not m.asks_to_rank for m in sent if m.at_ns <= _ns(outcomes_at)
        ),
    }


def offers(mail: list[Mail], rnd: Round, ranked: dict[str, int], places: int) -> dict[str, Any]:
    """Offers made, what became of them, and placements ranked but never offered."""
    titles = {p["title"]: p["id"] for p in rnd.placements}
    made: Counter[str] = Counter()
    for m in mail:
        found = OFFER_SUBJECT.match(m.subject) if m.kind == "offer" else None
        if found:
            made[titles.get(found.group(1), "?")] += 1
    kinds = Counter(m.kind for m in mail)
    passed_on = sum(max(0, made[p] - min(places, n)) for p, n in ranked.items())
    return {
        "made": kinds["offer"],
        "accepted": kinds["introduction"],
        "declined": kinds["decline_acknowledgement"],
        "lapsed": kinds["offer_lapsed"],
        "passed_on": passed_on,
        "made_for_placements_not_ranked": sum(n for p, n in made.items() if p not in ranked),
        "ranked_placements_without_any_offer": sum(1 for p in ranked if made[p] == 0),
    }


def outcomes(mail: list[Mail], rnd: Round, outcomes_at: datetime) -> dict[str, Any]:
    """When the last "not successful" came, and who was told late or never: an applicant
    is told by their first offer or "not successful", whichever came first. The placement
    workflows close ahead of the outcomes instant by the time telling takes
    (workflows/closing.py), so a negative figure is the margin left; a positive one, or
    anyone told after the instant, breaks R18."""
    unsuccessful = _after([m for m in mail if m.kind == "not_successful"], outcomes_at)
    first: dict[str, int] = {}
    for m in mail:
        if m.kind in OUTCOME_KINDS:
            first[m.to] = min(first.get(m.to, m.at_ns), m.at_ns)
    late = [(at - _ns(outcomes_at)) / 1e9 for at in first.values() if at > _ns(outcomes_at)]
    return {
        "outcomes_at": outcomes_at.isoformat(),
        "last_not_successful_s_after_outcomes": round(max(unsuccessful, default=float("nan")), 1),
        "applicants_told_after_outcomes": len(late),
        "told_after_outcomes_p50_s": round(percentile(late, 50), 1),
        "told_after_outcomes_max_s": round(max(late, default=float("nan")), 1),
        "applicants_never_told": len(set(rnd.applicants) - set(first)),
    }


def doubles(mail: list[Mail]) -> dict[str, int]:
    """Messages doubled, by Message-ID (the notifications service makes it from the
    message's idempotency key: the same key, the same id) and by kind, addressee and
    subject (the same news twice, under two keys); 0 and 0 when none is."""
    by_content = Counter((m.kind, m.to, m.subject) for m in mail)
    return {
        "by_message_id": len(mail) - len({m.message_id for m in mail}),
        "by_kind_to_subject": sum(n - 1 for n in by_content.values()),
    }
