"""Is this organisation already in the directory under a slightly different name?

Two checks, both pure functions of strings (no database), so they are easy to test with real pairs:

- `same_name(a, b)`: the same name once case and spacing are ignored ("forth  valley COLLEGE" is
  "Forth Valley College"). The directory refuses such a name outright.
- `similar_names(name, candidates)`: names close enough that a person should check before adding
  another ("Forth Valley Colege", "The Forth Valley College Ltd"). The directory asks; the person
  may say it is a different organisation and save anyway.

How "similar" is decided:

1. Both names are normalised (`normalise`): accents and case folded, "&" read as "and",
   apostrophes dropped and other punctuation read as a space, a few common abbreviations spelt out
   ("assoc" → "association"), a leading "the" and trailing legal forms (Ltd, Limited, PLC, CIC,
   LLP, LP, SCIO, Inc) dropped. Words that carry no identity ("of", "and", "the", "for") are left
   out of the comparison, so "Stirling University" meets "University of Stirling".
2. They are compared with rapidfuzz's token sort ratio (0 to 100, word order ignored), twice: on
   the whole names, and on the words they do not share. Both must reach SIMILARITY_THRESHOLD (85).
   The second comparison is what tells typos from different places: "Alloa Academy" and
   "Alva Academy" score 88 as wholes, but "alloa" against "alva" scores 67, so they are not
   similar; "Forth Valley College" and "Forth Valley Colege" score 97 and 92.
3. One normalised name inside the other, on word boundaries, also counts when the shorter is at
   least MIN_CONTAINED_LENGTH (10) characters: "Forth Valley College" and "Forth Valley College
   Alloa Campus". Shorter ones ("council", "nhs fife") would match too much.

85 was chosen on realistic Scottish names (tests/test_organisations.py): it catches one or two
typos in a word of six letters or more and the legal-suffix and "the" variants, and keeps apart
councils, NHS boards and housing associations that share all but their distinctive word. A typo in
a short distinctive word ("Fyfe Council") is not caught: it cannot be told from a different word.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz

SIMILARITY_THRESHOLD = 85
MIN_CONTAINED_LENGTH = 10

LEGAL_FORMS = frozenset({"ltd", "limited", "plc", "cic", "llp", "lp", "scio", "inc"})
ABBREVIATIONS = {
    "assoc": "association",
    "assn": "association",
    "univ": "university",
    "uni": "university",
    "govt": "government",
    "dept": "department",
    "ctr": "centre",
    "center": "centre",
    "intl": "international",
}
# Words that say nothing about which organisation it is; left out when comparing.
FILLER_WORDS = frozenset({"the", "of", "and", "for"})

_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^\w]+|_")

T = TypeVar("T")


def name_key(name: str) -> str:
    """The name as the directory's uniqueness sees it: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def normalise(name: str) -> str:
    """The name reduced to what identifies the organisation (see the module's docstring)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    words = [ABBREVIATIONS.get(word, word) for word in _NOT_WORD.sub(" ", text).split()]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words = words[:-1]
    return " ".join(words)


def _comparable(name: str) -> str:
    words = normalise(name).split()
    kept = [word for word in words if word not in FILLER_WORDS]
    return " ".join(kept or words)


def _contains(longer: str, shorter: str) -> bool:
    return len(shorter) >= MIN_CONTAINED_LENGTH and f" {shorter} " in f" {longer} "


def _scores(left: str, right: str) -> tuple[float, float]:
    """Token sort ratios of the whole (comparable) names and of the words they do not share."""
    whole = fuzz.token_sort_ratio(left, right)
    left_words, right_words = Counter(left.split()), Counter(right.split())
    left_rest = " ".join(sorted((left_words - right_words).elements()))
    right_rest = " ".join(sorted((right_words - left_words).elements()))
    return whole, fuzz.token_sort_ratio(left_rest, right_rest)


def similarity(a: str, b: str) -> float | None:
    """How alike two similar names are, 0 to 100 (100: the same once normalised); None when they
    are not similar. A name inside the other scores its whole-name ratio."""
    left, right = _comparable(a), _comparable(b)
    if left == right:
        return 100.0
    whole, rest = _scores(left, right)
    if _contains(left, right) or _contains(right, left):
        return whole
    return min(whole, rest) if min(whole, rest) >= SIMILARITY_THRESHOLD else None


def is_similar(a: str, b: str) -> bool:
    return similarity(a, b) is not None


@dataclass(frozen=True)
class SimilarName(Generic[T]):
    candidate: T
    name: str
    score: float


def similar_names(name: str, candidates: Iterable[T], *, name_of: Callable[[T], str] = str) -> list[SimilarName[T]]:
    """The candidates whose names are similar to `name`, most alike first. A candidate may be a
    string or any object (`name_of` gives its name; str() by default, an Organisation's name).
    Candidates with the same name (`same_name`) are included, scored 100."""
    matches = []
    for candidate in candidates:
        candidate_name = name_of(candidate)
        score = similarity(name, candidate_name)
        if score is not None:
            matches.append(SimilarName(candidate, candidate_name, score))
    return sorted(matches, key=lambda match: (-match.score, name_key(match.name)))
