"""All SQL that erases one person from the notifications service (issue 23 item 4).

E-mails sent to them are deleted with their deliveries (ON DELETE CASCADE). E-mails sent
to others about them (a host told of a withdrawal, the office of a bounce) are the
others' too, so they are kept as kind, status and times, as the retention schedule keeps
a message: everything that could name the person is emptied. Such a message is found by
the address in the data it was written from, as every message about an applicant has."""

from __future__ import annotations

import asyncpg

_TO_THEM = "EXISTS (SELECT 1 FROM unnest(recipients) r WHERE lower(r) = $1)"


def _about_them(table: str = "") -> str:
    """The address as a whole JSON string in what the message was written from: quoted,
    so that another address ending in this one is not taken for it."""
    quoted = "'\"' || $1 || '\"'"
    return (
        f"(strpos(lower({table}data::text), {quoted}) > 0"
        f" OR strpos(lower({table}request::text), {quoted}) > 0)"
    )


# Every statement is built from the constant fragments above, never from input (S608).
_STEPS = {
    "messages": f"DELETE FROM messages WHERE {_TO_THEM}",  # noqa: S608
    "deliveries": "UPDATE deliveries d SET detail = '' FROM messages m"  # noqa: S608
    f" WHERE d.message_id = m.id AND {_about_them('m.')}",
    "messages_about": "UPDATE messages SET subject = '', text_body = '', html_body = '',"  # noqa: S608
    f" data = '{{}}', request = '{{}}', last_error = NULL WHERE {_about_them()}",
    "alert_subscribers": "DELETE FROM alert_subscribers WHERE lower(email) = $1",
}


async def erase(conn: asyncpg.Connection, email: str) -> dict[str, int]:
    removed = {}
    async with conn.transaction():
        for table, sql in _STEPS.items():
            status = await conn.execute(sql, email)
            removed[table] = int(status.rsplit(" ", 1)[-1])
    return removed
