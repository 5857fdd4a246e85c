"""docs/privacy.md, the record of what MIP holds (issue 23 item 1), against the schema the
migrations really make: every column it names exists, and every personal column is named.

"Personal", for this test: a column one of whose name's words PERSONAL_NAME finds, unless
NOT_PERSONAL below lists it with the reason. The record may name more than the rule finds
(a profile's division, a CV's page count): those are checked to exist. A new column whose
name says it holds a person's words, address, name or files fails here until
docs/privacy.md names it, or NOT_PERSONAL says why it is not personal.
"""

from __future__ import annotations

import re

import asyncpg

from launcher.migrate import migrate_all
from mip.core.settings import Settings
from services.portal.public import privacy
from tests.support.privacy_record import OUTBOX, RECORD, recorded_columns

# Words of a column's name (split at underscores) that say it holds a person's address,
# name, words or files, or who did something: `contact_email`, `text_body`, `marked_by`.
PERSONAL_NAME = re.compile(
    r"(?:^|_)(?:e?mail|name|address|phone|cv|statement|answers?|disability|represented"
    r"|receipt|body|text|description|reason|notes?|actor|by|recipients?|subject|content"
    r"|copy|data|request|input|detail|error|filename|travel|mark|token|fingerprint"
    r"|warning)(?:_|$)"
)
NOT_PERSONAL = {
    "applications.hosts.name": "an organisation's name, published with its placements",
    "applications.rounds.name": "a round's name, e.g. 'Trinity 2027'",
    "applications.placements.description": "what a host offers, published to everyone",
    "applications.rounds.cv_page_limit": "a round's rule for every CV (R11)",
    "applications.rounds.statement_word_limit": "a round's rule for every statement (R13)",
    "expenses.claims.host_name": "the host organisation's name, as published",
    "expenses.claim_lines.reason": "the expenses policy's verdict, the same words for "
    "everyone with that kind of line (the host's own words are host_reason)",
    "applications.equal_opportunities_totals.disability": "a round's counts of answers, "
    "kept when the answers are erased (R9): nobody's own",
    "applications.equal_opportunities_totals.under_represented": "a round's counts of "
    "answers, kept when the answers are erased (R9): nobody's own",
    "applications.applications.statement_erased_at": "when the retention schedule erased "
    "the statement: a time, not the words",
    "notifications.messages.body_erased_at": "when the retention schedule erased the "
    "e-mail's words: a time, not the words",
    "notifications.messages.subject_ref": "the id of what a message is about (an application)",
    "*.schema_migrations.name": "a migration file's name",
    "*.core_migrations.name": "a migration file's name",
}


def _record() -> str:
    return RECORD.read_text(encoding="utf-8")


def recorded_kinds() -> list[str]:
    """The kinds' ids, from their headings: '### Profiles (`profile`)'."""
    return re.findall(r"^### .+ \(`([a-z-]+)`\)$", _record(), re.M)


async def _schema_columns(settings: Settings) -> dict[str, set[str]]:
    """Every column of every schema MIP's migrations make: table -> columns."""
    applied = await migrate_all(settings)
    conn = await asyncpg.connect(settings.database_url.get_secret_value())
    try:
        rows = await conn.fetch(
            "SELECT c.table_schema, c.table_name, c.column_name"
            " FROM information_schema.columns c JOIN information_schema.tables t"
            " USING (table_schema, table_name)"
            " WHERE c.table_schema = ANY($1) AND t.table_type = 'BASE TABLE'",
            list(applied),
        )
    finally:
        await conn.close()
    tables: dict[str, set[str]] = {}
    for r in rows:
        tables.setdefault(f"{r['table_schema']}.{r['table_name']}", set()).add(r["column_name"])
    return tables


def _expand(recorded: dict[str, str], tables: dict[str, set[str]]) -> dict[str, str]:
    """The record with `<outbox>` read as each schema that has a workflow outbox."""
    outboxes = [t.split(".")[0] for t in tables if t.endswith(".workflow_outbox")]
    assert outboxes, "no schema has a workflow outbox: the record's <outbox> lines are stale"
    expanded = {}
    for column, kind in recorded.items():
        for schema in outboxes if column.startswith(f"{OUTBOX}.") else [None]:
            expanded[column.replace(OUTBOX, schema) if schema else column] = kind
    return expanded


def _excused(column: str) -> bool:
    _, table, name = column.split(".")
    return column in NOT_PERSONAL or f"*.{table}.{name}" in NOT_PERSONAL


async def test_the_record_names_every_personal_column_and_only_columns_that_exist(
    settings: Settings,
) -> None:
    tables = await _schema_columns(settings)
    assert {t.split(".")[0] for t in tables} >= {
        "applications",
        "offers",
        "expenses",
        "notifications",
        "portal",
    }
    recorded = _expand(recorded_columns(), tables)
    every = {f"{table}.{c}" for table, columns in tables.items() for c in columns}

    missing = sorted(set(recorded) - every)
    assert not missing, f"docs/privacy.md names columns no migration makes: {missing}"

    personal = {c for c in every if PERSONAL_NAME.search(c.split(".")[2]) and not _excused(c)}
    unrecorded = sorted(personal - set(recorded))
    assert not unrecorded, (
        f"personal columns docs/privacy.md does not name: {unrecorded}; record each under"
        " 'Every personal column' with its kind, or say in NOT_PERSONAL why it is not personal"
    )
    stale = sorted(c for c in NOT_PERSONAL if not c.startswith("*.") and c not in every)
    assert not stale, f"NOT_PERSONAL names columns that no longer exist: {stale}"


def test_every_recorded_column_belongs_to_a_kind_the_record_describes() -> None:
    kinds = recorded_kinds()
    assert len(kinds) == len(set(kinds)), kinds
    strays = {c: k for c, k in recorded_columns().items() if k not in kinds}
    assert not strays, f"columns of kinds with no section in docs/privacy.md: {strays}"


def test_the_portal_s_privacy_notice_has_a_section_for_each_kind_in_the_record() -> None:
    """The notice (/privacy) and the record describe the same kinds, in the same order."""
    assert [kind.id for kind in privacy.KINDS] == recorded_kinds()


def test_the_record_states_each_retention_setting_and_whether_it_is_enforced() -> None:
    record = _record()
    schedule = record.split("## How long", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in schedule.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 5
    for row in rows[1:]:
        enforced = row.rstrip(" |").rsplit("|", 1)[1].strip()
        assert enforced == "not yet" or enforced.startswith(("**yes**", "by the")), row
    for kind in privacy.KINDS:
        assert kind.how_long, kind.id
