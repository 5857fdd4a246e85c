"""One person's data as one archive (issue 23 item 3, subject access).

A .zip with one JSON file per service (what each holds about the address, as its
contract's `*Data` type publishes it), the files those list (CVs as sent, receipts) and
each e-mail sent to the person as an .eml file made from the stored message (its text
part: the HTML part said the same). The person's own archive and the office's for their
address are made from the same answers, so they are byte for byte the same: every entry
carries one fixed time, not the time it was made.

Built in memory: a person's files are a few CVs (R10's size limit each, one per
application, a handful of applications a round) and a few receipts (R28's limit each),
so an archive is a few tens of megabytes at most, and never held by more than the one
request that makes it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from pydantic import BaseModel

from mip.core.access import Row
from mip.core.text import file_name
from services.applications.client import ApplicationsData
from services.expenses.client import ExpensesData
from services.notifications.contract import NotificationsData
from services.offers.client import OffersData
from services.portal.clients import PortalServices

# Zip's own epoch: an archive made twice from the same data is the same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
README = """\
What the Micro-Internship Programme (MIP) holds about {email}.

applications.json   profile, equal-opportunities answers, applications with statements
                    and their history, CVs' details, who opened a CV (a host or the
                    office) and when, support sessions booked, hosts you are the contact for
offers.json         offers, acceptances, and the marks hosts gave your applications
expenses.json       expense claims, their lines and history, receipts' details
notifications.json  every email sent to you, and the alerts list, if you joined it
files/              your CVs as you sent them, and your receipts
emails/             each email sent to you, as its text, to open in a mail program
"""


@dataclass(frozen=True)
class Held:
    """The four services' answers about one address."""

    applications: ApplicationsData
    offers: OffersData
    expenses: ExpensesData
    notifications: NotificationsData

    @property
    def email(self) -> str:
        return self.applications.email

    @property
    def empty(self) -> bool:
        """No service holds a row about the address."""
        parts = (self.applications, self.offers, self.expenses, self.notifications)
        return not any(isinstance(v, list) and v for part in parts for _, v in part)


async def held(services: PortalServices, email: str | None = None) -> Held:
    """The signed-in person's own (no `email`), or the office's copy for `email`. One
    service after another: a refusal or an outage of one is then the page's one error,
    with no other request left running."""
    if email is None:
        return Held(
            await services.applications.my_data(),
            await services.offers.my_data(),
            await services.expenses.my_data(),
            await services.notifications.my_data(),
        )
    return Held(
        await services.applications.data_of(email),
        await services.offers.data_of(email),
        await services.expenses.data_of(email),
        await services.notifications.data_of(email),
    )


async def archive(services: PortalServices, found: Held) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as made:
        _put(made, "README.txt", README.format(email=found.email).encode())
        parts: dict[str, BaseModel] = {
            "applications": found.applications,
            "offers": found.offers,
            "expenses": found.expenses,
            "notifications": found.notifications,
        }
        for name, data in parts.items():
            _put(made, f"{name}.json", data.model_dump_json(indent=2).encode())
        for cv in found.applications.files:
            got = await services.applications.person_cv(found.email, cv.of)
            _put(made, f"files/{cv.name}", got.content)
        for receipt in found.expenses.files:
            got = await services.expenses.person_receipt(found.email, receipt.of)
            _put(made, f"files/{receipt.name}", got.content)
        for number, message in enumerate(found.notifications.messages, 1):
            name = file_name(f"{number:03d}", str(message["kind"]), extension="eml")
            _put(made, f"emails/{name}", eml(found.email, message))
    return buffer.getvalue()


def eml(email: str, message: Row) -> bytes:
    """An e-mail as MIP stored it: kind, status and times as headers of its own."""
    made = EmailMessage()
    made["To"] = email
    made["Subject"] = str(message["subject"])
    sent = message["sent_at"] or message["created_at"]
    made["Date"] = format_datetime(datetime.fromisoformat(str(sent)))
    made["X-MIP-Kind"] = str(message["kind"])
    made["X-MIP-Status"] = str(message["status"])
    made.set_content(str(message["text_body"]))
    return made.as_bytes()


def _put(made: zipfile.ZipFile, name: str, content: bytes) -> None:
    made.writestr(zipfile.ZipInfo(name, FIXED_TIME), content, zipfile.ZIP_DEFLATED)


def archive_name(email: str) -> str:
    return file_name("MIP", "data", email.replace("@", " at "), extension="zip")
