"""GET /privacy: the privacy notice, what MIP holds about people, in plain words.

The notice says to a person what docs/privacy.md (the record) says to the university: one
section per kind of data, with the record's ids, so tests/test_privacy_record.py can hold
the two to the same kinds in the same order. The words are here rather than read from
docs/ because the image ships the code, not the docs. Retention is stated as the
intended schedule; "not yet" parts say so, as the record does.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.web import render

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Kind:
    id: str  # the record's id for the kind: "### Profiles (`profile`)"
    heading: str
    what: str
    why: str
    who: str
    how_long: str


_NOT_YET = " We do not delete this automatically yet; until we do, ask the Internship Office."

KINDS: tuple[Kind, ...] = (
    Kind(
        "sign-in",
        "Signing in",
        "The email address you sign in with, and when you signed in and out. We never keep "
        "the links we send or your session in a form anyone could use.",
        "To let you in without a password, and to keep the service secure.",
        "Nobody reads these through the service; our technical staff can see them.",
        "Sign-in links: deleted a day after they expire. Sessions: deleted 30 days after they end.",
    ),
    Kind(
        "profile",
        "Your profile",
        "Your name, email address, department, division, role, and your contract's type "
        "and end date.",
        "To check that the programme is open to you and to tell you about your "
        "applications. This is part of the university's staff development.",
        "You and the Internship Office. A host sees your name and email address if you "
        "applied to their placement, after applications close.",
        "Two years after the outcomes of the last round you applied in, then removed, "
        "keeping only numbers for reports.",
    ),
    Kind(
        "equal-opportunities",
        "Equal-opportunities answers",
        "Whether you have a disability and whether you come from an under-represented "
        "group, if you choose to answer. This is special category data: answering is "
        "optional and you can choose 'prefer not to say'.",
        "To check that the programme is open fairly to everyone. We rely on your consent "
        "and on the law's allowance for monitoring equality of opportunity.",
        "Only you. Hosts never see your answers; the Internship Office sees only totals "
        "for a round, never your own answers. No page shows them to anyone else; our "
        "technical staff could read them in the database.",
        "Your own answers are deleted once the round's totals are kept, when the round's "
        "outcomes are out (if you applied in a later round too, after that round's).",
    ),
    Kind(
        "application",
        "Your applications and personal statements",
        "Which placements you applied to, your personal statement, and what happened to "
        "each application and when.",
        "To take your application and pass it to the host.",
        "You, the Internship Office, and the host of the placement after applications "
        "close (the first 300 words of your statement).",
        "Statements: deleted 90 days after the round's outcomes if you were not placed, 90 "
        "days after your placement if you were. The rest: two years after the round's "
        "outcomes, then made anonymous, kept only as numbers for reports.",
    ),
    Kind(
        "cv",
        "Your CV",
        "The CV file you send, and the copy hosts receive (its first two pages).",
        "The host needs it to choose whom to offer the placement.",
        "You, the Internship Office, and the host of the placement after applications close.",
        "Deleted 90 days after the round's outcomes if you were not placed, 90 days after "
        "your placement if you were.",
    ),
    Kind(
        "selection",
        "Hosts' decisions and offers",
        "How a host marked your application, any offer made to you, and whether you "
        "accepted or declined it.",
        "To make and keep track of offers, and to offer a place to the next person when "
        "one is declined.",
        "You, the host of the placement, and the Internship Office.",
        "Two years after the round's outcomes, then made anonymous.",
    ),
    Kind(
        "host-contact",
        "Host organisations' contacts",
        "The name and email address of each host organisation's contact.",
        "To send them applications and expense claims, and to let them sign in.",
        "The Internship Office, the contact, and the intern they are introduced to.",
        "While the organisation takes part in the programme.",
    ),
    Kind(
        "expenses",
        "Expense claims and receipts",
        "Your claims: what you spent, on which day, your journeys, the receipts you send, "
        "and your host's decisions.",
        "So your host can pay you back, and because financial records must be kept by law.",
        "You, your host, and the Internship Office.",
        "Six years after the claim is paid (the finance period), then removed.",
    ),
    Kind(
        "email",
        "Emails we send you",
        "Every email the service sends: to whom, its subject and words, and whether it "
        "was delivered.",
        "To send each email once, and so the office can see one that did not arrive.",
        "You and the Internship Office.",
        "The words of an email about a round: deleted 180 days after the round's outcomes "
        "or the placement's week. The words of any other email: deleted 180 days after it "
        "was sent. That it was sent, and when, is kept with your application.",
    ),
    Kind(
        "alerts",
        "The alerts list",
        "Your email address, if you join the list, and when you confirmed or left it.",
        "To tell you when placements are advertised. You can leave at any time with the "
        "link in every alert.",
        "Nobody reads these through the service; our technical staff can see them.",
        "While you are on the list. An address never confirmed, or that left, is removed "
        "after 30 days.",
    ),
    Kind(
        "support",
        "Support sessions",
        "Which one-to-one support session you booked, and the adviser's name.",
        "To run the sessions.",
        "You and the Internship Office.",
        "Deleted 90 days after the session.",
    ),
    Kind(
        "workflow",
        "How the service keeps track of each application",
        "The service's record of each application's, claim's and email's progress. It "
        "holds your name and email address, encrypted: nobody can read it without the "
        "service's keys. Searches use a code made from your address, never the address.",
        "So that no step of your application is lost, even if part of the service stops.",
        "The Internship Office, through the service. Technical staff see it encrypted.",
        "30 days after the application's progress ends.",
    ),
    Kind(
        "observability",
        "Logs and service measurements",
        "Records of how the service is running. They hold reference numbers, never your "
        "name, email address or statement.",
        "To keep the service running and put faults right.",
        "Our technical staff.",
        "As long as our technical systems keep them, usually 30 days.",
    ),
)


@router.get("/privacy", response_class=HTMLResponse)
async def privacy_notice(request: Request) -> HTMLResponse:
    """What MIP holds about people, why, who sees it and for how long (docs/privacy.md)."""
    return render(request, "public/privacy.html", {"kinds": KINDS})
