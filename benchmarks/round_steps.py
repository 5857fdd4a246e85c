"""The steps of `whole_round`, as its people take them: applicants submit, the office moves
the deadline, hosts rank when their digest comes, applicants answer their offers as they
come. Each ranking request is timed and kept, whatever its answer."""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser, BytesParser
from email.policy import default
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import Retries, Target, bounded, percentile, send_once, two_page_cv
from benchmarks.mail import Received, received_since
from benchmarks.setup_round import Round
from mip.core.auth import Role

# The offer e-mail's link opens the applicant's offer page in the portal.
OFFER_LINK = re.compile(r"/applicant/offers/([0-9a-f-]{36})")
# A ranking refused for one of these will never be taken: asking again is pointless.
FINAL_REFUSALS = ("AlreadyRanked", "Closed", "BadRanking")


async def submit_all(
    target: Target, http: httpx.AsyncClient, rnd: Round, clients: int, retries: Retries
) -> dict[str, str]:
    """Two applications from each applicant; each accepted one's id, with its placement's."""
    cv = two_page_cv()

    async def submit(person: str, placement_id: str) -> str | None:
        response = await send_once(
            http,
            "POST",
            f"{target.applications}/v1/applications",
            retries,
            headers=target.headers(Role.applicant, person),
            data={"placement_id": placement_id, "statement": "I would like to help."},
            files={"cv": ("cv.pdf", cv, "application/pdf")},
        )
        return str(response.json()["id"]) if response.status_code == 201 else None

    picks = [(p, pl["id"]) for p in rnd.applicants for pl in random.sample(rnd.placements, 2)]
    ids = await bounded(clients, [partial(submit, p, pl) for p, pl in picks])
    return {i: placement for i, (_, placement) in zip(ids, picks, strict=True) if i}


async def move_deadline(
    target: Target, http: httpx.AsyncClient, rnd: Round, window_s: int
) -> tuple[datetime, datetime]:
    """The deadline 5 s from now and the outcomes-by instant six windows after it."""
    office = target.headers(Role.office, "office@example.org")
    current = (await http.get(f"{target.applications}/v1/rounds/{rnd.id}", headers=office)).json()
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    clock = {  # what has passed stays; the deadline and outcomes move forward to now
        "advertise_at": datetime.fromisoformat(current["clock"]["advertise_at"]),
        "deadline_at": deadline,
        "outcomes_at": deadline + timedelta(seconds=window_s * 6),
    }
    moved = await http.put(
        f"{target.applications}/v1/rounds/{rnd.id}/clock",
        headers=office,
        json={"clock": {k: v.isoformat() for k, v in clock.items()}},
    )
    moved.raise_for_status()
    return deadline, clock["outcomes_at"]


@dataclass(frozen=True)
class Attempt:
    """One ranking request: how long its answer took, and what it was."""

    placement_id: str
    seconds: float
    status: int  # 0: no answer (a transport error)
    why: str  # "" when taken; else the problem's type and reason (or detail)
    answered_at: datetime


def _why(response: httpx.Response) -> str:
    if response.status_code == 200:
        return ""
    try:
        problem = response.json()
    except ValueError:
        return response.text[:80]
    kind = str(problem.get("type", "")).removeprefix("urn:mip:problem:")
    return f"{kind}: {problem.get('reason') or problem.get('detail') or problem.get('title')}"


@dataclass
class Rankings:
    attempts: list[Attempt] = field(default_factory=list)
    # Each placement ranked, with how many candidates its ranking named.
    ranked: dict[str, int] = field(default_factory=dict)

    def figures(self, deadline: datetime) -> dict[str, Any]:
        taken = [a for a in self.attempts if a.status == 200]
        seconds = [a.seconds for a in taken]
        after = [(a.answered_at - deadline).total_seconds() for a in taken]
        outcomes = Counter(f"{a.status} {a.why}".strip() for a in self.attempts)
        return {
            "placements_ranked": len(self.ranked),
            "candidates_ranked": sum(self.ranked.values()),
            "attempts": len(self.attempts),
            "attempts_by_answer": dict(outcomes.most_common()),
            "taken_p50_s": round(percentile(seconds, 50), 3),
            "taken_p99_s": round(percentile(seconds, 99), 3),
            "taken_max_s": round(max(seconds, default=float("nan")), 3),
            "every_attempt_max_s": round(max((a.seconds for a in self.attempts), default=0), 3),
            "last_taken_s_after_deadline": round(max(after, default=float("nan")), 1),
        }


class DigestWatch:
    """The placements, by title, whose host's digest has reached the SMTP server."""

    def __init__(self, mail_dir: Path, since_ns: int) -> None:
        self.mail_dir, self.since_ns = mail_dir, since_ns
        self.titles: set[str] = set()
        self._read: set[str] = set()
        self._scanned = 0.0
        self._parser = BytesHeaderParser(policy=default)

    def _scan(self) -> None:
        if time.perf_counter() - self._scanned < 0.5:  # one scan for every waiting host
            return
        self._scanned = time.perf_counter()
        for path in self.mail_dir.glob("*.eml"):
            if path.name in self._read or int(path.name.split("-", 1)[0]) < self.since_ns:
                continue
            self._read.add(path.name)
            with path.open("rb") as handle:
                headers = self._parser.parse(handle)
            if headers["X-MIP-Kind"] == "forwarded_digest":  # "N applications for <title>"
                self.titles.add(str(headers["Subject"]).partition(" for ")[2])

    async def wait(self, title: str, timeout_s: float) -> None:
        until = time.perf_counter() + timeout_s
        while title not in self.titles and time.perf_counter() < until:
            self._scan()
            await asyncio.sleep(0.5)


async def rank_all(
    target: Target, http: httpx.AsyncClient, rnd: Round, digests: DigestWatch
) -> Rankings:
    """Each host ranks a placement when its digest arrives, as a host would (earlier, its
    applications may be only partly forwarded), naming every application forwarded then;
    it asks again (every 0.5 s, up to 600 times) until the ranking is taken, and each
    request is kept. At most 16 hosts' requests are under way at once."""
    kept = Rankings()
    gate = asyncio.Semaphore(16)

    async def rank(placement: dict[str, Any]) -> None:
        await digests.wait(placement["title"], timeout_s=900)
        host = target.headers(Role.host, placement["host"]["contact_email"])
        url = f"{target.applications}/v1/host/placements/{placement['id']}/applications"
        for _ in range(600):  # until forwarded, and its offers workflow takes the ranking
            async with gate:
                forwarded = [a["id"] for a in (await http.get(url, headers=host)).json()]
                attempt = await _post_ranking(target, http, host, placement["id"], forwarded)
            if attempt is not None:
                kept.attempts.append(attempt)
                if attempt.status == 200:
                    kept.ranked[placement["id"]] = len(forwarded)
                    return
                if attempt.why.endswith(FINAL_REFUSALS):
                    return
            await asyncio.sleep(0.5)

    await asyncio.gather(*(rank(p) for p in rnd.placements))
    return kept


async def _post_ranking(
    target: Target,
    http: httpx.AsyncClient,
    host: dict[str, str],
    placement_id: str,
    forwarded: list[str],
) -> Attempt | None:
    """The host's ranking of `forwarded`, in a random order, timed; None if none is."""
    if not forwarded:
        return None
    started = time.perf_counter()
    try:
        answer = await http.post(
            f"{target.offers}/v1/placements/{placement_id}/ranking",
            headers=host,
            json={"application_ids": random.sample(forwarded, len(forwarded))},
        )
        status, why = answer.status_code, _why(answer)
    except httpx.TransportError as error:
        status, why = 0, f"transport: {type(error).__name__}"
    seconds = time.perf_counter() - started
    return Attempt(placement_id, seconds, status, why, datetime.now(UTC))


@dataclass
class Answers:
    """The applicants' answers to their offers, by action and status (a refusal with its
    reason), and each answer's lag: from its offer's arrival to the answer being sent."""

    tally: Counter[str] = field(default_factory=Counter)
    lag_s: list[float] = field(default_factory=list)
    # Each accept's or decline's answer time: an update of the application's workflow.
    taken_s: list[float] = field(default_factory=list)
    retries: Retries = field(default_factory=Retries)

    def figures(self) -> dict[str, Any]:
        return {
            **dict(self.tally.most_common()),
            "lag_after_offer_p50_s": round(percentile(self.lag_s, 50), 1),
            "lag_after_offer_max_s": round(max(self.lag_s, default=float("nan")), 1),
            "taken_p50_s": round(percentile(self.taken_s, 50), 3),
            "taken_p99_s": round(percentile(self.taken_s, 99), 3),
            "taken_max_s": round(max(self.taken_s, default=float("nan")), 3),
            "transport_retries": self.retries.count,
        }


async def answer_offers(
    target: Target,
    http: httpx.AsyncClient,
    rnd: Round,
    since_ns: int,
    until: float,
    mix: tuple[float, float],
) -> Answers:
    """Answer each offer e-mail as it arrives, each answer in a task of its own (so a slow
    one holds up no other): accept, decline, or let it lapse."""
    read: set[str] = set()
    answers = Answers()
    parser = BytesParser(policy=default)
    sent: list[asyncio.Task[None]] = []

    async def answer(offer_id: str, action: str, to: str) -> None:
        started = time.perf_counter()
        result = await send_once(
            http,
            "POST",
            f"{target.offers}/v1/offers/{offer_id}/{action}",
            answers.retries,
            headers=target.headers(Role.applicant, to),
        )
        answers.taken_s.append(time.perf_counter() - started)
        answers.tally[f"{action}:{result.status_code} {_why(result)}".strip()] += 1

    while time.perf_counter() < until:
        for path in sorted(target.mail_dir.glob("*.eml")):
            at_ns = int(path.name.split("-", 1)[0])
            if at_ns < since_ns or path.name in read:
                continue
            read.add(path.name)
            message = parser.parse(path.open("rb"))
            if message["X-MIP-Kind"] != "offer" or message["To"] not in rnd.applicants:
                continue
            body = message.get_body(("plain",))
            found = OFFER_LINK.search(body.get_content() if body else "")
            roll = random.random()
            action = "accept" if roll < mix[0] else "decline" if roll < mix[0] + mix[1] else None
            if found and action:
                answers.lag_s.append((time.time_ns() - at_ns) / 1e9)
                sent.append(asyncio.create_task(answer(found.group(1), action, message["To"])))
            else:
                answers.tally["left to lapse"] += 1
        if all_heard(target, rnd, since_ns):
            break
        await asyncio.sleep(0.5)
    await asyncio.gather(*sent)
    return answers


_SEEN: dict[str, Received] = {}


def all_heard(target: Target, rnd: Round, since_ns: int) -> bool:
    seen = received_since(target.mail_dir, since_ns, _SEEN)  # read each file once
    heard = {r.to for r in seen.values() if r.kind in ("offer", "not_successful")}
    accepted = {r.to.split(",")[0] for r in seen.values() if r.kind == "introduction"}
    return heard >= set(rnd.applicants) and bool(accepted)
