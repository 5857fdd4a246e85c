"""The metric names the alert rules and the dashboard in deploy/observability/ query, and
whether the code exports each: seen in a scrape, or (for the Temporal SDK's counters,
which appear only once counted) named in the SDK's compiled core."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import temporalio.bridge
import yaml

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "deploy" / "observability"
_NAME = re.compile(r"\b(mip_[a-z0-9_]+|temporal_[a-z0-9_]+|up)\b")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_SUFFIXES = ("_bucket", "_count", "_sum")


def rule_expressions() -> list[str]:
    rules = yaml.safe_load((OBSERVABILITY / "alerts.yml").read_text())
    return [str(rule["expr"]) for group in rules["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard: dict[str, Any] = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text())
    return [
        str(target["expr"]) for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]


def names_in(expression: str) -> set[str]:
    """Metric names in a PromQL expression (label values in quotes are not names)."""
    return set(_NAME.findall(_QUOTED.sub('""', expression)))


def _sdk_core() -> bytes:
    [library] = Path(temporalio.bridge.__file__).parent.glob("temporal_sdk_bridge*")
    return library.read_bytes()


def unexported(names: set[str], families: set[str]) -> set[str]:
    """The names no scrape showed and, for temporal_*, the SDK's core does not name."""
    core: bytes | None = None
    missing = set()
    for name in names - {"up"}:  # `up` is Prometheus's own, one per target
        base = next((name.removesuffix(s) for s in _SUFFIXES if name.endswith(s)), name)
        if name in families or base in families:
            continue
        if name.startswith("temporal_"):
            core = core if core is not None else _sdk_core()
            if base.removeprefix("temporal_").encode() in core:
                continue
        missing.add(name)
    return missing
