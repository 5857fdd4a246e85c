"""A round at a glance, as the office reads it (P7)."""

from __future__ import annotations
