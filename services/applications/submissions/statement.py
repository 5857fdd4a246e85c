"""The personal statement: kept whole, cut for hosts at the round's word limit (R13)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Statement:
    whole: str
    words: int
    for_hosts: str

    @property
    def was_cut(self) -> bool:
        return self.for_hosts != self.whole


def prepare_statement(text: str, word_limit: int) -> Statement:
    words = list(_WORD.finditer(text))
    if len(words) <= word_limit:
        return Statement(whole=text, words=len(words), for_hosts=text)
    cut_at = words[word_limit - 1].end()
    return Statement(whole=text, words=len(words), for_hosts=text[:cut_at])
