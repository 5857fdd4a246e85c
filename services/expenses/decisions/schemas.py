"""Bodies of a host's decision, a question or an answer, and a payment note."""

from __future__ import annotations
