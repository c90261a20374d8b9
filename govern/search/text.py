"""Words, Norwegian stems, the parsed search query and highlighted snippets.

The same stemmer (Snowball "norwegian", the algorithm PostgreSQL's `norwegian` configuration
uses) runs when indexing (SQLite), when querying and when highlighting, so a word is found
and marked the same way on both databases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import snowballstemmer
from markupsafe import Markup, escape

from govern.i18n import gettext as _

WORD = re.compile(r"\w+")
#: Longer queries are cut: nobody types more, and the database should not parse it.
MAX_QUERY = 200
_STEMMER = snowballstemmer.stemmer("norwegian")


class BadQuery(ValueError):
    """A query without a word to search for; the message is shown to the user."""


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Norwegian stem of one word, lower-cased ('journalen' -> 'journal')."""
    return _STEMMER.stemWord(word.lower())


def stemmed(text: str) -> str:
    """The text as space-separated stems: what the SQLite index stores."""
    return " ".join(stem(w) for w in WORD.findall(text.lower()))


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase of the query (words lower-cased, not stemmed)."""

    words: tuple[str, ...]
    negated: bool = False
    #: The last word, still being typed: also matches longer words.
    prefix: bool = False


@dataclass
class Query:
    """The query as groups of alternatives: (a OR b) AND c, minus the negated terms."""

    groups: list[list[Term]] = field(default_factory=list)
    negated: list[Term] = field(default_factory=list)

    @cached_property
    def stems(self) -> set[str]:
        """Stems of the positive words (for highlighting)."""
        return {stem(w) for g in self.groups for t in g for w in t.words if not t.prefix}

    @cached_property
    def prefixes(self) -> set[str]:
        return {stem(w) for g in self.groups for t in g for w in t.words if t.prefix}

    def websearch(self) -> str:
        """The query for PostgreSQL's websearch_to_tsquery, without the prefix term."""
        parts = []
        for group in self.groups:
            texts = [_websearch_term(t) for t in group if not t.prefix]
            if texts:
                parts.append(" or ".join(texts))
        parts += [_websearch_term(t) for t in self.negated]
        return " ".join(parts)

    @property
    def prefix_word(self) -> str | None:
        """The word typed last, searched as a prefix (alone in its group)."""
        for group in self.groups:
            for term in group:
                if term.prefix:
                    return term.words[0]
        return None

    def fts5(self) -> str:
        """The query in FTS5 syntax over stems; every word is quoted, so nothing is an operator."""
        clauses = ["(" + " OR ".join(_fts5_term(t) for t in g) + ")" for g in self.groups]
        expr = " AND ".join(clauses)
        if self.negated:
            expr = f"({expr}) NOT (" + " OR ".join(_fts5_term(t) for t in self.negated) + ")"
        return expr


def _websearch_term(term: Term) -> str:
    text = " ".join(term.words)
    text = f'"{text}"' if len(term.words) > 1 else text
    return f"-{text}" if term.negated else text


def _fts5_term(term: Term) -> str:
    text = '"' + " ".join(stem(w) for w in term.words) + '"'
    return text + "*" if term.prefix else text


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(raw: str) -> Query:
    """Parse what the user typed: words, "phrases", -word, OR. Raise BadQuery if no word."""
    raw = raw[:MAX_QUERY]
    query = Query()
    join_next = False
    for match in _TOKEN.finditer(raw):
        minus, phrase, bare = match.groups()
        if bare is not None and bare == "OR":
            join_next = bool(query.groups)
            continue
        negated = bool(minus) or (bare is not None and bare.startswith("-"))
        words = tuple(w.lower() for w in WORD.findall(phrase if bare is None else bare))
        if not words:
            continue
        term = Term(words, negated)
        if negated:
            query.negated.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = False
    if not query.groups:
        raise BadQuery(_("Skriv minst ett ord å søke etter."))
    last = query.groups[-1]
    typing = raw and not raw[-1].isspace() and raw.rstrip()[-1] != '"'
    if typing and len(last) == 1 and len(last[0].words) == 1 and len(query.groups) > 0:
        query.groups[-1] = [Term(last[0].words, prefix=True)]
    return query


def _matches(word: str, stems: set[str], prefixes: set[str]) -> bool:
    s = stem(word)
    if s in stems:
        return True
    return bool(prefixes) and any(s.startswith(p) or word.lower().startswith(p) for p in prefixes)


def matcher(query: Query) -> Callable[[str], bool]:
    """Whether a word matches the query, remembered per word (texts repeat their words)."""
    stems, prefixes, seen = query.stems, query.prefixes, {}

    def matches(word: str) -> bool:
        found = seen.get(word)
        if found is None:
            found = seen[word] = _matches(word, stems, prefixes)
        return found

    return matches


def hits(text: str, query: Query, matches: Callable[[str], bool] | None = None) -> int:
    """How many words of the text match the query."""
    return sum(map(matches or matcher(query), WORD.findall(text)))


def highlight(
    text: str,
    query: Query,
    window: int | None = None,
    matches: Callable[[str], bool] | None = None,
) -> Markup:
    """The text (or a window of words around the first match) escaped, matches in <mark>."""
    matches = matches or matcher(query)
    words = list(WORD.finditer(text))
    start, end = 0, len(text)
    if window is not None and words:
        first = next((i for i, w in enumerate(words) if matches(w[0])), 0)
        lo, hi = max(0, first - window // 3), min(len(words), first + window)
        start = words[lo].start() if lo > 0 else 0
        end = words[hi - 1].end() if hi < len(words) else len(text)
    out, pos = [], start
    for w in words:
        if w.start() < start or w.end() > end:
            continue
        if matches(w[0]):
            out.append(escape(text[pos : w.start()]))
            out.append(Markup("<mark>%s</mark>") % w[0])
            pos = w.end()
    out.append(escape(text[pos:end]))
    snippet = Markup("").join(out)
    if start > 0:
        snippet = Markup("… ") + snippet
    if end < len(text):
        snippet = snippet + Markup(" …")
    return snippet
