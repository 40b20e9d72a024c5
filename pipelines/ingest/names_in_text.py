"""People's names in Swedish free text (DATA-CONTRACT §5): which word spans are names.

No model: a first-name list (SCB namnstatistik, CC BY 4.0, in ``namelist/``), surname
endings, and rules for the words that are both a name and an ordinary word (``Per``,
``Dag``, ``Maj``, ``Man``, ``Han`` ...). What decides:

- a listed first name that is no ordinary word is a name when capitalised or in capitals,
  in any position (``Anna``, ``ANNA``, genitive ``Annas``, double ``Anna-Karin``); in
  lower case (``anna``) only in text written in lower case or after a word that
  introduces a person: a writer who capitalises writes names with a capital, and many
  lower-case words are someone's name somewhere (``talat``);
- a first name that is also an ordinary word (``namelist/vanliga_ord.txt``) is a name
  when capitalised inside a sentence (``igår kom Per``), when it starts a sentence and a
  surname, a verb a person does or ``och`` and a name follows (``Dag Ek ringde``,
  ``Stig ringde``, ``Alma och Saga``), or after a word that introduces a person
  (``heter``, ``vittnet``, ``kallad`` ...). Pronoun-like words (``Han``, ``Hon``,
  ``Man``, ``Alla``) never are on their own; months and ``Per 100 000`` only with a
  surname or such a word;
- a surname: a capitalised word (or one with a surname ending in lower case or capitals)
  right after a first name (``Per Olof Hansson``, ``anna svensson``), or on its own with
  a clear surname ending (``-sson``, ``-qvist``, ``-ström`` ... ``Anderssons``);
- after ``kallad``/``kallas``/``alias``/``heter`` the next capitalised or quoted word is
  a name whatever it is (nicknames are in no list), but not after ``så kallad``;
- not people: words inside a protected name (the municipality's areas, places, partners,
  shop names: `NotPeople`), Sweden's municipalities on their own (``Ale``, ``Mora``), a
  first name after ``i``/``utanför`` not followed by a lower-case word (``i Ella``),
  names that are part of a street or building (``Dag Hammarskjölds väg``, ``Birger
  Jarlsgatan``), a word glued to a number (``4ever``).

`find_names(text, not_people)` returns the (start, end) spans; redact.py replaces them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_LISTS = Path(__file__).with_name("namelist")


def _read_list(name: str) -> list[str]:
    lines = (_LISTS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Every listed first name, case-folded."""
    return frozenset(name.casefold() for name in _read_list("fornamn.txt"))


@lru_cache(maxsize=1)
def swedish_places() -> frozenset[str]:
    """Sweden's municipalities, case-folded: on their own not people ("Ale", "Mora", "Olofström"),
    after a first name a surname still ("Jonas Berg")."""
    return frozenset(name.casefold() for name in _read_list("kommuner.txt"))


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    """First names that are also ordinary Swedish words, case-folded."""
    return frozenset(word.casefold() for word in _read_list("vanliga_ord.txt"))


# Ordinary words that read as a name when capitalised inside a sentence or followed by a
# person's verb; every other word of vanliga_ord.txt (pronouns, prepositions, "Alla",
# "Man", "Hela" ...) is never a name on its own.
NAME_LIKE_WORDS = frozenset(
    "per bo dag stig liv sol sten tor tom olov inge kaj björn örn saga alma ros ask lo rut "
    "mark love even edit klara lilja linnea iris viola tuva vide frid rosa sam ville bror "
    "gun falk frost storm varg ena olle andre sanna tim".split()
)
MONTHS = frozenset("januari februari mars april maj juni juli augusti september oktober november december".split())

# A person does these: "Stig ringde", "Per har", "Bo bor på" (first word of a sentence).
PERSON_VERBS = frozenset(
    "ringde ringer sa sade säger berättade berättar kom såg ser meddelade meddelar uppgav uppger "
    "hörde mejlade mailade jobbar arbetar bor bodde heter hette har hade skrev skriver larmade "
    "anmälde anmäler tog stal slog hotade sprang gick brukar fick frågade svarade tycker tyckte "
    "vill ville påstår påstod kallar hjälpte hittade".split()
)
# After these the next word is a name, whatever it is (nicknames are in no list).
NAMING_CUES = frozenset("heter hette kallad kallas kallades alias kallar".split())
NOT_AFTER_NAMING = frozenset(
    "sig sin sitt sina sej mig dig oss er honom henne dem den det de han hon inte också ofta själv själva "
    "som nu numera bara alltid av på i till med efter för ju väl egentligen visst".split()
)
# After these a capitalised word, or any listed first name, is a name.
PERSON_CUES = frozenset(
    "vittnet vittne vittnen herr fru familjen grannen grannarna anmälaren målsägande målsäganden "
    "eleven eleverna killen tjejen pojken flickan mannen kvinnan kontaktperson kontakt ansvarig "
    "hälsningar mvh signerat sambon maken makan frun mamman pappan sonen dottern brodern systern "
    "vakten väktaren läraren rektorn föreståndaren ordföranden kassören butikschefen "
    "vaktmästaren fastighetsskötaren fritidsledaren kuratorn personalen".split()
) | NAMING_CUES
# Surname particles kept inside a name: "Ebba von Sydow".
PARTICLES = frozenset("von af av van der den de la di el al bin ibn".split())

STRONG_SURNAME = re.compile(r"(?:sson|ssons|qvist|kvist|quist|ström|gren|blad|dahl|stedt|sén)s?$")
# After these a first name not followed by a lower-case word, or a lone surname, is a place:
# "i Ella", "i Anttis" ("i Annas lägenhet" is a person's).
PLACE_PREPOSITIONS = frozenset("i utanför nära inom".split())
# In lower case only these: "rakblad", "ström", "strand" are words.
LOWER_SURNAME = re.compile(r"(?:sson|ssons|qvist|kvist|quist)s?$")
# Also place-name endings, so only a surname after a first name or a person cue.
WEAK_SURNAME = re.compile(
    r"(?:son|berg|lund|holm|dal|man|mark|ling|lind|borg|vall|fors|sjö|näs|hed|qvist|ros|ek|gård|löf|löv|"
    r"felt|feldt|hag|hall|hammar|lander|lin|lén|ell|ius|ander|sten|stad|by)s?$"
)

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:[:'’]s\b)?")
_SENTENCE_END = set(".!?:;\n\r•*–—|")
_OPENERS = set(" \t\"'”“„«»()[]-")


def _shape(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "upper"
    if word[0].isupper():
        return "cap"
    return "lower"


def _bases(word: str) -> tuple[str, ...]:
    """The word case-folded, and without a genitive s ("Annas", "Per:s") when it has one."""
    key = word.casefold()
    for mark in (":s", "'s", "’s"):
        if key.endswith(mark):
            return (key[:-2],)
    if key.endswith("s") and len(key) > 3:
        return (key, key[:-1])
    return (key,)


class _Token:
    __slots__ = ("start", "end", "text", "shape", "key", "sentence_start", "protected", "first", "ordinary",
                 "genitive_only")

    def __init__(self, start: int, end: int, word: str, text: str, protected: bool):
        self.start, self.end, self.text = start, end, word
        self.shape = _shape(word)
        self.key = word.casefold()
        self.sentence_start = _starts_sentence(text, start)
        self.protected = protected
        # first: a listed first name that is no ordinary word; ordinary: the ordinary word
        # it is, when it is a listed name too; genitive_only: a name only without its s
        self.first, self.ordinary, self.genitive_only = _lexicon(word, self.shape == "lower")


@lru_cache(maxsize=100_000)
def _lexicon(word: str, lower: bool) -> tuple[bool, str | None, bool]:
    """What the lists say of a word (see _Token); memoised, words repeat."""
    names, ordinary = first_names(), ordinary_words()
    key = word.casefold()
    # a genitive s is read only on a capitalised word: lower-case "mars", "klass" are words
    for base in _bases(word) if not lower else (key,):
        if all(part in names for part in base.split("-")):
            if base in ordinary or key in ordinary:
                return False, base, base != key
            return True, None, base != key
        if key in ordinary:
            break
    return False, None, False


def _starts_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        if text[i] == "-" and i > 0 and not text[i - 1].isspace():
            return False
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _surname(token: _Token, after_name: bool) -> bool:
    """Is this word a surname (or a second first name) in its place?"""
    if token.protected or token.key in ordinary_words() and token.ordinary is None:
        return False
    base = _bases(token.text)[0]
    if token.shape == "cap":
        if after_name:
            return token.ordinary is None or token.ordinary in NAME_LIKE_WORDS
        return bool(STRONG_SURNAME.search(base)) and len(base) > 5 and token.ordinary is None
    # lower case or ALL CAPS (where every word is capitalised): only a clear name shape
    if token.first or token.ordinary in NAME_LIKE_WORDS and token.shape == "upper":
        return after_name
    if token.shape == "upper" and after_name and token.ordinary is None:
        return bool(STRONG_SURNAME.search(base) or WEAK_SURNAME.search(base)) and len(base) > 3
    if LOWER_SURNAME.search(base) and len(base) > 5:
        return True
    return after_name and bool(WEAK_SURNAME.search(base)) and len(base) > 4


_STRONG_ENDINGS = ("sson", "ssons", "qvist", "kvist", "quist", "ström", "gren", "blad", "dahl", "stedt",
                   "sén", "qvists", "kvists", "ströms", "grens", "dahls", "blads", "stedts", "séns")


@lru_cache(maxsize=1)
def _never_names() -> frozenset[str]:
    """Listed names that are ordinary words and never a name on their own (han, man, till)."""
    return ordinary_words() - NAME_LIKE_WORDS - PERSON_CUES


@lru_cache(maxsize=200_000)
def _candidate(key: str, names: frozenset[str]) -> bool:
    """Could this word start a name? (A cheap test, memoised; most words are not.)"""
    if key in names:
        return key not in _never_names()
    if key in PERSON_CUES or key.endswith(_STRONG_ENDINGS) or LONE_SURNAME.search(key):
        return True
    if "-" in key:
        return True
    return key[-1:] == "s" and key[:-1] in names or key[-2:] in (":s", "'s", "’s")


class NotPeople:
    """Names that are not people (areas, places, partners, shops), matched word by word,
    case-insensitively, the last word also in the genitive ("Gimos", "ICA:s")."""

    def __init__(self, phrases):
        self.by_word: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(w.casefold() for w in _WORD.findall(phrase))
            for word in set(words):
                self.by_word.setdefault(word, []).append(words)

    def covers(self, keys: list[str], i: int) -> bool:
        """Is word i of a text (its words case-folded: `keys`) part of a protected name?"""
        for base in {keys[i], *_bases(keys[i])}:
            for phrase in self.by_word.get(base, ()):
                for at in [p for p, w in enumerate(phrase) if w == base]:
                    first = i - at
                    if first < 0 or first + len(phrase) > len(keys):
                        continue
                    inner = keys[first:first + len(phrase) - 1]
                    last = keys[first + len(phrase) - 1]
                    if list(phrase[:-1]) == inner and phrase[-1] in {last, *_bases(last)}:
                        return True
        return False


NO_ONE = NotPeople(())


def find_names(text: str, not_people: NotPeople = NO_ONE) -> list[tuple[int, int]]:
    """Spans of people's names in `text`; words of a `not_people` name are never names."""
    names = first_names()
    keys = _WORD.findall(text.casefold())  # same words, same count: casefold keeps letters letters
    hot = {key for key in set(keys) if _candidate(key, names)}
    if not hot:
        return []
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    n = len(words)
    keys = [w.casefold() for _, _, w in words]
    candidates = [i for i, key in enumerate(keys) if key in hot]
    # the word after a cue ("kallad Snobben", "grannen Lindberg") is examined too
    candidates = sorted({*candidates, *(i + 1 for i in candidates if keys[i] in PERSON_CUES and i + 1 < n)})
    if not candidates:
        return []
    cache: dict[int, _Token] = {}

    def token(i: int) -> _Token:
        if i not in cache:
            start, end, word = words[i]
            cache[i] = _Token(start, end, word, text, not_people.covers(keys, i))
        return cache[i]

    def neighbour(i: int, j: int) -> _Token | None:
        """Word j if it exists and only spaces lie between words i and j (j = i +- 1)."""
        if not 0 <= j < n:
            return None
        left, right = (i, j) if i < j else (j, i)
        return token(j) if _adjacent(text, words[left][1], words[right][0]) else None

    spans: list[tuple[int, int]] = []
    done = -1
    for i in candidates:
        if i <= done or (words[i][0] > 0 and text[words[i][0] - 1] == "["):  # a redaction token
            continue
        current = token(i)
        if current.protected:
            continue
        prev, nxt = neighbour(i, i - 1), neighbour(i, i + 1)
        after = neighbour(i + 1, i + 2) if nxt is not None else None
        if current.key in PERSON_CUES:
            continue  # a cue word is only context for the next word
        if not _is_name(current, prev, nxt, after, text):
            continue
        end = i
        while (follower := neighbour(end, end + 1)) is not None:
            if follower.key in PARTICLES and (third := neighbour(end + 1, end + 2)) is not None and third.shape != "lower":
                end += 1
                continue
            if not _street_word(follower) and _surname(follower, after_name=True):
                end += 1
                continue
            break
        if _names_a_street(keys, i, end, neighbour(end, end + 1)):
            done = end
            continue  # "Dag Hammarskjölds väg", "Birger Jarlsgatan": a street, no one's name
        spans.append((current.start, words[end][1]))
        done = end
    return spans


STREET_WORDS = frozenset(
    "väg vägen gata gatan gränd gränden torg torget allé allén plats platsen park parken backe backen "
    "stig stigen plan planen kaj kajen bro bron brygga bryggan skola skolan hall hallen gård gården "
    "å ån sjön udden holmen berget kapell kapellet kyrka kyrkan kyrkväg gymnasiet gymnasium hagen".split()
)
_STREET_ENDINGS = ("gatan", "vägen", "väg", "gränd", "torget", "allén", "platsen", "parken", "backen", "stigen",
                   "plan", "skolan", "gården", "hallen", "bron", "gymnasiet", "kyrkan")


_SURNAME_STREET_WORDS = frozenset("hall gård bro park plan".split())  # Anna Hall, Per Gård


def _street_word(token: "_Token") -> bool:
    """A street or building word; capitalised only when it is no name too (Stig, Kaj, Hall)."""
    if token.key not in STREET_WORDS:
        return False
    return token.shape == "lower" or (
        not token.first and token.ordinary is None and token.key not in _SURNAME_STREET_WORDS)


def _names_a_street(keys: list[str], first: int, last: int, follower: "_Token | None") -> bool:
    """A name span that is part of a place named after someone."""
    if follower is not None and _street_word(follower):
        return True
    return any(keys[k].endswith(_STREET_ENDINGS) for k in range(first + 1, last + 1))


def _adjacent(text: str, left_end: int, right_start: int) -> bool:
    """Only spaces (no punctuation, no line break) between two words."""
    gap = text[left_end:right_start]
    return len(gap) <= 3 and gap.strip(" \u00a0") == ""


def _is_name(token: _Token, prev: _Token | None, nxt: _Token | None, after: _Token | None, text: str) -> bool:
    cue = prev is not None and prev.key in PERSON_CUES
    if token.start > 0 and text[token.start - 1].isdigit():
        return False  # "4ever", "3B": glued to a number
    if prev is not None and prev.key in NAMING_CUES and not _so_called(text, prev):
        if token.key in NOT_AFTER_NAMING:
            return False  # "kallar sig", "heter inte"
        if token.shape == "lower":  # "kallas polis": a verb; a lower-case name only if listed
            return token.first or token.ordinary in NAME_LIKE_WORDS
        return True
    if _quoted_after_naming_cue(text, token):
        return True
    at_place = prev is not None and prev.key in PLACE_PREPOSITIONS
    if token.key in swedish_places():
        return False  # "Ale", "Mora", "Olofström" on their own
    if token.first:
        if at_place and (nxt is None or nxt.shape != "lower"):
            return False  # "i Ella", "i Anttis": a place named after someone ("i Annas lägenhet" is not)
        if token.shape == "lower":
            # a writer who capitalises writes names with a capital: "talat" is a word
            return len(token.key) > 2 and (cue or _lower_case_writer(text))
        return len(token.key) > 1
    if token.ordinary is not None:
        word = token.ordinary
        if word not in NAME_LIKE_WORDS:
            return False
        followed = nxt is not None and nxt.shape != "lower" and _surname(nxt, after_name=True) and not nxt.sentence_start
        if token.shape == "lower":
            return cue
        if cue or followed:
            return True
        if word in MONTHS or _NUMBER_NEXT.match(text, token.end):
            return False  # "Per 100 000 inv.", "Maj"
        if token.sentence_start:
            if nxt is not None and nxt.key in PERSON_VERBS:
                return True
            # "Per och Anna ...": joined to a clear name
            return nxt is not None and nxt.key == "och" and after is not None and after.shape != "lower" and (
                after.first or after.ordinary in NAME_LIKE_WORDS and after.ordinary not in MONTHS)
        return not (prev is not None and prev.text.isdigit())
    if _surname(token, after_name=False):
        return not at_place
    if _lone_surname(token, prev, nxt):
        return True
    if cue and token.shape != "lower" and not token.sentence_start:
        base = _bases(token.text)[0]
        return token.key not in ordinary_words() and (bool(WEAK_SURNAME.search(base)) or len(base) > 1)
    return False


# A capitalised word with a surname ending that places share (Lindberg, Åkerlund, Bergman),
# on its own: a surname only before a verb a person does ("Lindberg ringde"), and not after
# a place word (places outnumber people here: Karlberg, Osbyholm in the police's summaries).
LONE_SURNAME = re.compile(r"(?:berg|lund|holm|lind|man|bom|ander|ius|feldt|felt)s?$")
BEFORE_PLACES = frozenset("i på vid till från mot utanför nära inom över genom mellan runt om med mot".split())


def _lone_surname(token: _Token, prev: _Token | None, nxt: _Token | None) -> bool:
    if token.shape != "cap" or token.first or token.ordinary is not None or token.key in swedish_places():
        return False
    base = _bases(token.text)[0]
    if len(base) < 6 or not LONE_SURNAME.search(base):
        return False
    if prev is not None and (prev.key in BEFORE_PLACES or prev.shape != "lower"):
        return False
    return nxt is not None and nxt.key in PERSON_VERBS


_SO_CALLED = re.compile(r"(?:så|sk|s\.k\.)\s+$", re.IGNORECASE)


def _so_called(text: str, cue: _Token) -> bool:
    """"så kallad": so-called, no name follows."""
    return bool(_SO_CALLED.search(text[max(0, cue.start - 8):cue.start]))


_FIRST_LETTER = re.compile(r"[^\W\d_]")


def _lower_case_writer(text: str) -> bool:
    """Text that starts in lower case (a quick comment, a text message): its names may be too."""
    first = _FIRST_LETTER.search(text)
    return first is not None and first.group().islower()


_NUMBER_NEXT = re.compile(r"[ \u00a0]?\d")
_QUOTED_CUE = re.compile(r"(?:kallad|kallas|kallades|alias|heter)\s*[\"'”“„«]\s*$", re.IGNORECASE)


def _quoted_after_naming_cue(text: str, token: _Token) -> bool:
    """`kallad "Snobben"`: a nickname in quotes after a naming word."""
    return bool(_QUOTED_CUE.search(text[max(0, token.start - 16):token.start]))
