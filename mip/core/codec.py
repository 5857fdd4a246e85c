"""What every MIP client and worker hands Temporal: payloads encrypted with AES-256-GCM.

Temporal keeps every workflow's input, activity arguments and results, signals and
updates in its histories, which an operator reads in its web UI and a deployment may keep
on Temporal Cloud. Through this codec Temporal holds only ciphertext: each payload is
serialized whole (metadata and data) and sealed under the first of `MIP_PAYLOAD_KEYS`,
the key's id left in clear in the new payload's metadata so that any key still listed
opens it after a rotation. Failures' messages and stack traces are moved into an encoded
payload too (an activity's error may quote an address).

A payload without the encrypted encoding passes through as it is: histories written
before the codec (tests/histories/, running workflows of an older release) still replay.
The portal's codec endpoint (services/portal/office/codec.py) decodes for the web UI.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

from mip.core.payload_keys import PayloadKey
from mip.core.settings import Settings

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12  # GCM's standard nonce: random per payload, so never reused under a key


class UnknownPayloadKey(ValueError):
    """A payload sealed under a key no longer (or not yet) in MIP_PAYLOAD_KEYS."""


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: Sequence[PayloadKey]) -> None:
        if not keys:
            raise ValueError("the payload codec needs at least one key")
        self._encrypting = keys[0]
        self._ciphers = {k.key_id: AESGCM(k.key) for k in keys}

    @property
    def key_id(self) -> str:
        """The id new payloads are sealed under."""
        return self._encrypting.key_id

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._open(p) for p in payloads]

    def _seal(self, payload: Payload) -> Payload:
        key_id = self._encrypting.key_id
        nonce = os.urandom(NONCE_BYTES)
        # The key id is authenticated with the data: a payload cannot be relabelled.
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID: key_id.encode()}, data=nonce + sealed
        )

    def _open(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # written before the codec: clear, as it always was
        key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownPayloadKey(
                f"payload sealed under key {key_id!r}, which MIP_PAYLOAD_KEYS does not list"
            )
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            clear = cipher.decrypt(nonce, sealed, key_id.encode())
        except InvalidTag:
            raise ValueError(f"payload under key {key_id!r} fails its integrity check") from None
        return Payload.FromString(clear)


def codec_for(settings: Settings) -> EncryptionCodec:
    return EncryptionCodec(settings.payload_keyring)


def data_converter(settings: Settings) -> DataConverter:
    """The one converter of MIP: pydantic models as JSON, then sealed (module doc)."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=codec_for(settings),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
