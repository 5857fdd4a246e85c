"""The payload codec's keys (issue 23 item 5): a rotation loses no running workflow, old
histories stay readable, and production and staging refuse to run without real keys."""

from __future__ import annotations

import base64
import os
import uuid
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from temporalio import activity
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from mip.core.codec import KEY_ID, UnknownPayloadKey, codec_for
from mip.core.payload_keys import DEV_PAYLOAD_KEYS, DEV_SEARCH_HASH_KEY
from mip.core.settings import Environment, Settings
from mip.core.stack_report import DESCRIBE_ACTIVITY, ServiceReport
from mip.core.temporal import connect
from tests.support.payloads import history_of, payloads_in
from tests.support.servers import Servers
from tests.support.waiting import eventually
from workflows.queues import APPLICATIONS, WORKFLOWS
from workflows.stack_check import StackCheckInput, StackCheckResult, StackCheckWorkflow


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


KEY_A, KEY_B = _key("a"), _key("b")
PRODUCTION: dict[str, Any] = {
    "environment": Environment.production,
    "portal_public_url": "https://mip.example.ac.uk",
    "jwt_secret": "s3cret-" * 6,
}


def _with_keys(settings: Settings, keys: str) -> Settings:
    return settings.model_copy(update={"payload_keys": SecretStr(keys)})


@activity.defn(name=DESCRIBE_ACTIVITY)
async def _describe() -> ServiceReport:
    return ServiceReport(service="applications", schema_name="a", migrations=[1], database_ok=True)


async def _scheduled(handle: WorkflowHandle[StackCheckWorkflow, StackCheckResult]) -> bool:
    async for event in handle.fetch_history_events():
        if event.event_type is EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            return True
    return False


async def _start_under(settings: Settings, workflow_id: str) -> None:
    """Start the stack check and let its first task run; no service answers yet."""
    client = await connect(settings)
    async with Worker(client, task_queue=settings.queue(WORKFLOWS), workflows=[StackCheckWorkflow]):
        handle = await client.start_workflow(
            StackCheckWorkflow.run,
            StackCheckInput(services=["applications"], answer_within_s=60),
            id=workflow_id,
            task_queue=settings.queue(WORKFLOWS),
        )
        await eventually(lambda: _scheduled(handle))


async def _finish_under(settings: Settings, workflow_id: str) -> StackCheckResult:
    client = await connect(settings)
    async with (
        Worker(client, task_queue=settings.queue(WORKFLOWS), workflows=[StackCheckWorkflow]),
        Worker(client, task_queue=settings.queue(APPLICATIONS), activities=[_describe]),
    ):
        handle = client.get_workflow_handle_for(StackCheckWorkflow.run, workflow_id)
        return await handle.result()


def _key_ids(payloads: list[Payload]) -> set[str]:
    return {p.metadata[KEY_ID].decode() for p in payloads if KEY_ID in p.metadata}


async def test_a_workflow_started_under_the_old_key_finishes_after_a_rotation(
    servers: Servers,
) -> None:
    base = Settings(
        environment=Environment.test,
        temporal_address=servers.temporal_address,
        task_queue_prefix=f"t{uuid.uuid4().hex[:10]}-",
    )
    before, after = _with_keys(base, KEY_A), _with_keys(base, f"{KEY_B},{KEY_A}")
    workflow_id = f"rotation-{uuid.uuid4().hex}"
    await _start_under(before, workflow_id)
    # New workers and clients, B first: A's workers are gone, the workflow is mid-way.
    result = await _finish_under(after, workflow_id)
    assert result.ok
    history = await history_of(await Client.connect(base.temporal_address), workflow_id)
    stored = payloads_in(history)
    assert _key_ids(stored) == {"a", "b"}  # the input under A, the answer under B
    # A history written under A still decodes with A kept in the list, and only then.
    opened = await codec_for(after).decode(stored)
    assert any(b'"services":["applications"]' in p.data for p in opened)
    with pytest.raises(UnknownPayloadKey, match="'a'"):
        await codec_for(_with_keys(base, KEY_B)).decode(stored)


async def test_a_payload_from_before_the_codec_reads_as_it_was() -> None:
    clear = Payload(metadata={"encoding": b"json/plain"}, data=b'{"applicant":"ada"}')
    assert await codec_for(Settings()).decode([clear]) == [clear]


async def test_a_relabelled_payload_is_refused() -> None:
    both = _with_keys(Settings(), f"{KEY_A},{KEY_B}")
    [sealed] = await codec_for(both).encode([Payload(data=b"ada@example.org")])
    sealed.metadata[KEY_ID] = b"b"
    with pytest.raises(ValueError, match="integrity"):
        await codec_for(both).decode([sealed])


def test_production_refuses_to_start_without_payload_keys() -> None:
    with pytest.raises(ValidationError, match="set MIP_PAYLOAD_KEYS"):
        Settings(**PRODUCTION, search_hash_key="k" * 40)
    with pytest.raises(ValidationError, match="set MIP_SEARCH_HASH_KEY"):
        Settings(**PRODUCTION, payload_keys=KEY_A)


def test_production_and_staging_refuse_the_development_keys() -> None:
    for environment in (Environment.production, Environment.staging):
        given = {**PRODUCTION, "environment": environment}
        with pytest.raises(ValidationError, match="public development key"):
            Settings(**given, payload_keys=f"{KEY_A},{DEV_PAYLOAD_KEYS}", search_hash_key="k" * 40)
        with pytest.raises(ValidationError, match="public development key"):
            Settings(**given, payload_keys=KEY_A, search_hash_key=DEV_SEARCH_HASH_KEY)
    dev_bytes = DEV_PAYLOAD_KEYS.partition(":")[2]
    with pytest.raises(ValidationError, match="public development key"):  # under another id
        Settings(**PRODUCTION, payload_keys=f"prod:{dev_bytes}", search_hash_key="k" * 40)


def test_production_starts_with_real_keys_and_a_bad_key_is_refused_anywhere() -> None:
    real = Settings(**PRODUCTION, payload_keys=f"{KEY_B},{KEY_A}", search_hash_key="k" * 40)
    assert [k.key_id for k in real.payload_keyring] == ["b", "a"]
    for bad, said in (("a:bm90LTMyLWJ5dGVz", "AES-256"), ("a", "<id>:<base64 key>")):
        with pytest.raises(ValidationError, match=said):
            Settings(payload_keys=bad)
    assert KEY_A.partition(":")[2] not in repr(real) + str(real.payload_keyring)


def test_the_office_finds_an_applicant_by_a_key_that_is_not_their_address() -> None:
    settings = Settings()
    key = settings.applicant_key("Ada@Example.org")
    assert key == settings.applicant_key(" ada@example.org")  # one person, one key
    assert "ada" not in key
    assert len(key) == 64
    other = settings.model_copy(update={"search_hash_key": SecretStr("k" * 40)})
    assert other.applicant_key("ada@example.org") != key
