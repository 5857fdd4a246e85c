"""Issue 23 item 5: what Temporal holds of an application is ciphertext. Read straight from
the server without MIP's codec, its history names nobody; through the codec it does."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from launcher.mailcatcher import MailCatcher
from mip.core.codec import codec_for, data_converter
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.notifications.app import create_app as notifications_app
from tests.support.applying import apply, make_profile, make_round, open_round
from tests.support.payloads import decoded_bytes, history_of, raw_bytes
from tests.support.stack import running_stack
from tests.support.waiting import eventually
from workflows.worker import ALL_WORKFLOWS

ADDRESS = b"ada.cipher@example.org"
NAME = b"Dr Ada Lovelace"
STATEMENT = "I want to see how a robotics start-up tests its arms in the field."


async def _confirmed(smtp: MailCatcher) -> bool:
    return any(m["To"] == ADDRESS.decode() for m in smtp.store.messages())


async def test_an_application_s_history_in_temporal_names_nobody_without_the_codec(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with running_stack(
        mail_settings, applications=applications_app, notifications=notifications_app
    ) as stack:
        http = stack.http["applications"]
        _, [placement] = await make_round(http, mail_settings, open_round())
        me = await make_profile(http, mail_settings, ADDRESS.decode(), name=NAME.decode())
        made = await apply(http, me, placement["id"], statement=STATEMENT)
        assert made.status_code == 201, made.text
        await eventually(lambda: _confirmed(smtp))  # the confirmation's activity has run
        # A client as an operator's tool or Temporal Cloud has it: no codec, no keys.
        plain = await Client.connect(mail_settings.temporal_address)
        history = await history_of(plain, made.json()["workflow_id"])
    stored = raw_bytes(history)
    opened = await decoded_bytes(history, codec_for(mail_settings))
    for secret in (ADDRESS, NAME, STATEMENT.encode()):
        assert secret not in stored
    # MIP's own clients read the same history: the address and the name are there.
    assert ADDRESS in opened
    assert NAME in opened
    # The statement never enters a workflow at all: the applications service keeps it.
    assert STATEMENT.encode() not in opened
    assert mail_settings.applicant_key(ADDRESS.decode()).encode() in stored
    # A sealed history, with its ApplicantKey, replays as the unsealed ones in tests/histories/.
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=data_converter(mail_settings))
    sealed = WorkflowHistory(made.json()["workflow_id"], list(history.events))
    await replayer.replay_workflow(sealed, raise_on_replay_failure=True)
