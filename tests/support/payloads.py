"""Reading what Temporal stores: every payload of a history, raw or through the codec."""

from __future__ import annotations

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import History
from temporalio.client import Client
from temporalio.converter import PayloadCodec


def payloads_in(message: Message) -> list[Payload]:
    """Every Payload anywhere in `message` (inputs, results, signals, failures, ...)."""
    if isinstance(message, Payload):
        return [message]
    found: list[Payload] = []
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            values = [v for v in value.values() if isinstance(v, Message)]
        elif isinstance(value, Message):
            values = [value]
        else:  # a repeated field
            values = list(value)
        for item in values:
            found += payloads_in(item)
    return found


async def history_of(client: Client, workflow_id: str) -> History:
    """The history as Temporal holds it: nothing decoded, whatever the client's codec."""
    fetched = await client.get_workflow_handle(workflow_id).fetch_history()
    return History(events=fetched.events)


def raw_bytes(history: History) -> bytes:
    """The history as stored: protobuf keeps payload data as the bytes written."""
    return history.SerializeToString()


async def decoded_bytes(history: History, codec: PayloadCodec) -> bytes:
    """Every payload's data once opened with `codec`."""
    opened = await codec.decode(payloads_in(history))
    return b"\n".join(p.data for p in opened)
