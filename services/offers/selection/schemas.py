"""Bodies of the selection routes: marks, a ranking, and what a host sees."""

from __future__ import annotations
