"""Keys production and staging accept (mip/core/payload_keys.py): what a test that runs
hardened settings gives them, since those refuse to start without real ones."""

from __future__ import annotations

import base64
from typing import Any

PAYLOAD_KEYS = "test-1:" + base64.b64encode(b"a-test-payload-key-of-32-bytes-!").decode()
SEARCH_HASH_KEY = "a-test-search-hash-key-of-32-characters"

# As Settings(...) keywords, and as the environment a `mip` subprocess reads.
HARDENED_KEYS: dict[str, Any] = {"payload_keys": PAYLOAD_KEYS, "search_hash_key": SEARCH_HASH_KEY}
HARDENED_ENV = {"MIP_PAYLOAD_KEYS": PAYLOAD_KEYS, "MIP_SEARCH_HASH_KEY": SEARCH_HASH_KEY}
