"""Fund search by name: Postgres full-text search, tolerant of word order and of typos.

Why this design: the embedded Postgres that `make run` uses has no contrib extensions (no pg_trgm), and
CI's Postgres has them. Rather than two search paths with different results, there is one that needs only
built-in Postgres:

- Names are indexed as ``to_tsvector('simple', name)`` (a GIN expression index, migration 0002). Each query
  word must match a word of the name, in any order; words are prefix-matched, so "flexi ca" finds
  "Flexi Cap".
- Typos are corrected before the query runs: a word that is neither a word nor the beginning of a word of
  any scheme name is replaced by the vocabulary words within a small edit distance (Damerau-Levenshtein,
  rapidfuzz): "bluechp" -> "bluechip", "axsi" -> "axis". The vocabulary is read from Postgres
  (``ts_stat``) and kept in memory per catalogue version, so an import refreshes it.
- Fund houses go by names their schemes do not carry ("ppfas" for Parag Parikh, "absl" for Aditya Birla Sun
  Life): apps/funds/aliases.py lists them, and an alias stands for its own word or any of its phrases.
- Ranking (apps/funds/selectors.py): a name equal to the query first, then names starting with it, then
  Postgres's rank."""

# SQL here is built from model table names and fixed expressions only; values always go as parameters.
# ruff: noqa: S608

import bisect
import re
import threading
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from apps.funds.aliases import alias_split
from apps.funds.cache import catalog_version
from apps.funds.models import Scheme

SEARCH_CONFIG = "simple"
_WORD = re.compile(r"[^\W_]+")
_MAX_CANDIDATES = 5


def name_vector() -> SearchVector:
    """The indexed expression (same as the GIN index of migration 0002)."""
    return SearchVector("name", config=SEARCH_CONFIG)


def search_words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text.lower()) if word]


def _max_distance(word: str) -> int:
    if len(word) <= 3:
        return 0  # short words: every correction would be a guess
    return 1 if len(word) <= 5 else 2


@dataclass(frozen=True)
class Vocabulary:
    version: int
    words: tuple[str, ...]  # sorted
    word_set: frozenset[str]

    def has_prefix(self, prefix: str) -> bool:
        index = bisect.bisect_left(self.words, prefix)
        return index < len(self.words) and self.words[index].startswith(prefix)

    def corrections(self, word: str) -> list[str]:
        limit = _max_distance(word)
        if limit == 0:
            return []
        matches = process.extract(
            word, self.words, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=_MAX_CANDIDATES
        )
        return [match for match, _distance, _index in matches]


_vocabulary: Vocabulary | None = None
_vocabulary_lock = threading.Lock()


def vocabulary() -> Vocabulary:
    """The words of every scheme name, as Postgres's parser splits them."""
    global _vocabulary
    version = catalog_version()
    current = _vocabulary
    if current is not None and current.version == version:
        return current
    with _vocabulary_lock:
        if _vocabulary is not None and _vocabulary.version == version:
            return _vocabulary
        table = Scheme._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM ts_stat(%s)",
                [f"SELECT to_tsvector('{SEARCH_CONFIG}', name) FROM {table}"],
            )
            # Postgres reads the digits after a hyphen as a signed number ("Series C-1" gives "c" and
            # "-1"): the vocabulary keeps them unsigned, as a query types them
            found = (word.removeprefix("-") for (word,) in cursor.fetchall())
            words = sorted({word for word in found if word.isalnum()})
        _vocabulary = Vocabulary(version=version, words=tuple(words), word_set=frozenset(words))
        return _vocabulary


@dataclass(frozen=True)
class ParsedQuery:
    tsquery: str | None  # raw tsquery text; None when some word matches nothing
    corrections: dict[str, list[str]]


def _alias_term(key: str, phrases: tuple[tuple[str, ...], ...]) -> str:
    """An alias: its own word exactly ("quant", not "quantum"), or its words as prefixes when it has
    several ("icici pru"), or any of its phrases."""
    words = key.split()
    own = f"'{words[0]}'" if len(words) == 1 else "(" + " & ".join(f"'{word}':*" for word in words) + ")"
    alternatives = [own] + ["(" + " & ".join(f"'{word}'" for word in phrase) + ")" for phrase in phrases]
    return "(" + " | ".join(dict.fromkeys(alternatives)) + ")"


def _prefix_term(word: str) -> str:
    """A word as a prefix; digits also as the signed number Postgres indexes after a hyphen ("FMP-1234")."""
    return f"('{word}':* | '-{word}':*)" if word.isdigit() else f"'{word}':*"


def search_query_parse(text: str) -> ParsedQuery:
    """Each word becomes a prefix term, or the OR of its corrections, or an alias's alternatives; the terms
    are ANDed."""
    words = list(dict.fromkeys(search_words(text)))  # unique, in order
    vocab = vocabulary()
    terms, corrections = [], {}
    for word, phrases in alias_split(words):
        if phrases is not None:
            terms.append(_alias_term(word, phrases))
            continue
        if word in vocab.word_set or vocab.has_prefix(word):
            terms.append(_prefix_term(word))
            continue
        candidates = vocab.corrections(word)
        if not candidates:
            return ParsedQuery(tsquery=None, corrections=corrections)
        corrections[word] = candidates
        terms.append("(" + " | ".join(f"'{candidate}'" for candidate in candidates) + ")")
    return ParsedQuery(tsquery=" & ".join(terms) if terms else None, corrections=corrections)


class TsqueryLiteral(SearchQuery):
    """A query in tsquery syntax used as written (`'...'::tsquery`). to_tsquery would run every quoted word
    through the text parser again, and the parser splits some words of the vocabulary: "80e6f5f97a" (from
    "Fund-80e6f5f97a") becomes the number "80e6" and the word "f5f97a", which no name holds. The words
    here are the vocabulary's own lexemes (lower case) or what the person typed, lower-cased."""

    template = "(%(expressions)s)::tsquery"


def search_query(parsed: ParsedQuery) -> SearchQuery:
    return TsqueryLiteral(parsed.tsquery)
