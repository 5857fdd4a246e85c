"""The keys that keep personal data out of Temporal's clear text (issue 23 item 5).

- `MIP_PAYLOAD_KEYS`: AES-256 keys for the payload codec, as `id:base64` entries
  (comma-separated or a JSON list). The first encrypts; every one decrypts, so a history
  written under a key that has since been rotated out of first place still reads.
- `MIP_SEARCH_HASH_KEY`: the HMAC key an applicant's address is hashed with for the
  `ApplicantKey` search attribute, so operators find a person's workflows by their
  address without Temporal's visibility store holding it.

Development and tests use the fixed keys below, which are public: production and staging
refuse them (settings.py), so a deployment cannot run on a key anyone can read here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass

KEY_BYTES = 32  # AES-256
MIN_SEARCH_KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Public development keys: what `mip dev` and the tests encrypt and hash with.
DEV_PAYLOAD_KEYS = "dev:" + base64.b64encode(b"mip-dev-payload-key-not-a-secret").decode()
DEV_SEARCH_HASH_KEY = "mip-dev-search-hash-key-not-a-secret"


@dataclass(frozen=True, slots=True)
class PayloadKey:
    key_id: str
    key: bytes

    def __repr__(self) -> str:  # never a key in a log or a traceback
        return f"PayloadKey({self.key_id!r})"


def _entries(text: str) -> list[str]:
    stripped = text.strip()
    listed = json.loads(stripped) if stripped.startswith("[") else stripped.split(",")
    if not isinstance(listed, list) or not all(isinstance(e, str) for e in listed):
        raise ValueError("MIP_PAYLOAD_KEYS must be a list of id:base64 entries")
    return [e.strip() for e in listed if e.strip()]


def _one(entry: str) -> PayloadKey:
    key_id, sep, encoded = entry.partition(":")
    if not sep or not _KEY_ID.match(key_id):
        raise ValueError(
            "MIP_PAYLOAD_KEYS: each entry is <id>:<base64 key>, the id of letters, digits, "
            "'.', '_' or '-'"
        )
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise ValueError(f"MIP_PAYLOAD_KEYS: key {key_id!r} is not base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(
            f"MIP_PAYLOAD_KEYS: key {key_id!r} is {len(key)} bytes; AES-256 takes {KEY_BYTES} "
            "(make one with `openssl rand -base64 32`)"
        )
    return PayloadKey(key_id, key)


def parse_payload_keys(text: str) -> tuple[PayloadKey, ...]:
    """The keys in `MIP_PAYLOAD_KEYS`, first the one that encrypts. ValueError says what is
    wrong with the text, never the key itself."""
    keys = tuple(_one(entry) for entry in _entries(text))
    if not keys:
        raise ValueError("MIP_PAYLOAD_KEYS names no key")
    ids = [k.key_id for k in keys]
    if len(set(ids)) != len(ids):
        raise ValueError("MIP_PAYLOAD_KEYS names a key id twice")
    return keys


def is_dev_key(key: PayloadKey) -> bool:
    """Whether `key` is the public development key, under whatever id."""
    dev_keys = parse_payload_keys(DEV_PAYLOAD_KEYS)
    return any(hmac.compare_digest(key.key, dev.key) for dev in dev_keys)


def key_problems(payload: str, search: str, *, hardened: bool) -> list[str]:
    """What is wrong with the two settings as given ("" for unset). A malformed payload key
    is refused everywhere (it would fail at the first payload instead); production and
    staging refuse the development keys, which are in this repository for anyone to read."""
    try:
        keys = parse_payload_keys(payload or DEV_PAYLOAD_KEYS)
    except ValueError as exc:
        return [str(exc)]
    if not hardened:
        return []
    problems = []
    if not payload:
        problems.append("set MIP_PAYLOAD_KEYS: Temporal would hold personal data in clear")
    elif any(is_dev_key(k) for k in keys):
        problems.append("MIP_PAYLOAD_KEYS holds the public development key")
    if not search:
        problems.append("set MIP_SEARCH_HASH_KEY (32+ characters) to hash addresses for search")
    elif search == DEV_SEARCH_HASH_KEY:
        problems.append("MIP_SEARCH_HASH_KEY is the public development key")
    elif len(search) < MIN_SEARCH_KEY_BYTES:
        problems.append(f"MIP_SEARCH_HASH_KEY must be at least {MIN_SEARCH_KEY_BYTES} characters")
    return problems


def search_hash(secret: str, address: str) -> str:
    """The `ApplicantKey` of an address: HMAC-SHA256 in hex, of the address as MIP stores
    it (lower-cased, as a token's subject is read), so one person has one key."""
    mac = hmac.new(secret.encode(), address.strip().lower().encode(), hashlib.sha256)
    return mac.hexdigest()
