"""Is the person at the KRA the person of the profile? Pure functions over names and dates of birth.

The name rule (documented for staff and investors alike):
1. Both names are normalised: upper case; dots, commas, hyphens, apostrophes and other punctuation
   become spaces; runs of spaces collapse; a leading title (MR, MRS, MS, MISS, DR, SHRI, SMT, KUMARI,
   KUM) is dropped.
2. The words may come in any order ("RAO ASHA" matches "ASHA RAO").
3. An initial stands for a word that starts with that letter ("A RAO" and "A. Rao" match "ASHA RAO";
   "A K SHARMA" matches "ARUN KUMAR SHARMA"), but every full word on either side must be on the other
   side too, and at least one full word must be common to both: "ASHA RAO" does not match "ASHA RAJ",
   nor "A R" match "ASHA RAO".
4. Nothing else is forgiven: a missing or extra word, or a spelling difference, is a mismatch that a
   staff member reviews.

The date of birth must be the same day when the KRA gives one. (The inquiry sends the profile's date
of birth with the PAN; a KRA that answers without one has nothing to compare.)"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

TITLES = frozenset({"MR", "MRS", "MS", "MISS", "DR", "SHRI", "SMT", "KUMARI", "KUM"})
_PUNCTUATION = re.compile(r"[^A-Z0-9 ]+")


def name_words(name: str) -> list[str]:
    words = _PUNCTUATION.sub(" ", (name or "").upper()).split()
    while words and words[0] in TITLES:
        words = words[1:]
    return words


def names_match(profile_name: str, kra_name: str) -> bool:
    """True when the two names name the same person under the rule above."""
    left, right = Counter(name_words(profile_name)), Counter(name_words(kra_name))
    if not left or not right:
        return False
    common = left & right
    left, right = left - common, right - common
    if not any(len(word) > 1 for word in common.elements()):
        return False
    # what is left must be initials on one side standing for whole words on the other
    for initials, words in ((left, right), (right, left)):
        for initial in list(initials.elements()):
            if len(initial) != 1:
                continue
            match = next((w for w in words.elements() if len(w) > 1 and w[0] == initial), None)
            if match is None:
                return False
            initials[initial] -= 1
            words[match] -= 1
        initials += Counter()  # drops the zero counts
        words += Counter()
    return not left and not right


@dataclass(frozen=True)
class PersonCheck:
    matches: bool
    problem: str = ""  # in plain words, for the investor and staff


def person_check(*, profile_name: str, profile_dob: date | None, kra_name: str, kra_dob: date | None) -> PersonCheck:
    """Compares the KRA's name and date of birth with the profile's."""
    if not (kra_name or "").strip():
        return PersonCheck(False, "The KRA did not give the name on your KYC record, so we cannot match it to you.")
    if not names_match(profile_name, kra_name):
        return PersonCheck(False, "The name on your KYC record at the KRA is not the name in your details.")
    if kra_dob is not None and kra_dob != profile_dob:
        return PersonCheck(
            False, "The date of birth on your KYC record at the KRA is not the date of birth in your details."
        )
    return PersonCheck(True)
