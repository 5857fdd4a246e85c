"""Reading what a /metrics endpoint says, by the names Prometheus would store.

Parsed here rather than with prometheus_client's parser, which renames a counter that
lacks `_total` (as the Temporal SDK exports them) to one that has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


@dataclass(frozen=True)
class Scrape:
    text: str

    def samples(self) -> list[Sample]:
        found = []
        for line in self.text.splitlines():
            matched = _SAMPLE.match(line)
            if matched and not line.startswith("#"):
                name, labels, value = matched.groups()
                found.append(Sample(name, dict(_LABEL.findall(labels or "")), float(value)))
        return found

    def families(self) -> set[str]:
        """Every metric family named by a # TYPE line, with samples or without."""
        return {line.split()[2] for line in self.text.splitlines() if line.startswith("# TYPE ")}

    def matching(self, name: str, **labels: str) -> list[Sample]:
        return [s for s in self.samples() if s.name == name and labels.items() <= s.labels.items()]

    def value(self, name: str, **labels: str) -> float:
        """The one sample of `name` whose labels include `labels`; fails if not one."""
        found = self.matching(name, **labels)
        assert len(found) == 1, f"{name}{labels}: {found or 'no sample'}"
        return found[0].value

    def total(self, name: str, **labels: str) -> float:
        """The sum of every sample of `name` whose labels include `labels`."""
        return sum(s.value for s in self.matching(name, **labels))


async def scrape(url: str) -> Scrape:
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.get(url)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return Scrape(answer.text)
