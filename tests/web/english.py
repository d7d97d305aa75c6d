"""Find English interface text on a Dutch or French page, leaving data (names, ids, dates) be.

A word on the page counts as English when it is in the English interface vocabulary (the
words of every English message, plus common English function words, days and months) and in
no message of the page's language. Text with a digit (dates, ids, numbers), addresses of
pages and the data a test names (people's names, notes, locations) are taken out first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from services.web.i18n import LANGUAGE_NAMES, LANGUAGES, catalogue

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
HAS_DIGIT = re.compile(r"\S*\d\S*")
URL_PATH = re.compile(r"(?<!\S)/\S*")  # a page's address, as in the access records


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


ENGLISH_FUNCTION_WORDS = frozenset(words("""
a an the of and or to by for with on in at is are was were be been not no nor from your you
this that these those has have had it its here there which what who when where after before
until per each every nothing yet already only than then into over under about again more less
please try shortly does do did can cannot may must should would will shall done none all any
monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep oct nov dec
"""))
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-confirm")
SKIPPED_ELEMENTS = frozenset({"script", "style"})


COGNATES = {  # words spelt the same in English and the language, fine on its pages
    "nl": frozenset(words("pace coach contact e-mail gender indicator jobs partner status open "
                          "plan type team data budget")),
    "fr": frozenset(words("pace actions action contact contacts date e-mail france fr parent "
                          "parents places finances flexible ratio message note type total "
                          "description question service services document transition participant "
                          "participants")),
}


def vocabulary(language: str) -> set[str]:
    """Every word of every message in a language; for Dutch and French only of the messages
    translated (a row copied from English adds no words, cognates aside)."""
    index = LANGUAGES.index(language)
    rows = catalogue().values()
    if language == "en":
        return {w for row in rows for w in words(row[0])}
    return {w for row in rows if row[index] != row[0] for w in words(row[index])
            } | COGNATES[language]


def untranslated(language: str) -> dict[str, str]:
    """Messages whose value in the language is the English one, beyond cognates."""
    index = LANGUAGES.index(language)
    return {key: row[0] for key, row in catalogue().items()
            if row[index] == row[0] and words(row[0]) - COGNATES[language]}


class _Text(HTMLParser):
    """The text a person sees: text nodes and the visible attributes, outside script/style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        self.parts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]
        kind = dict(attrs).get("type")
        if tag == "input" and kind in ("submit", "button"):
            self.parts += [value for name, value in attrs if name == "value" and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


@dataclass
class EnglishFinder:
    """Finds English words on pages in `language`, ignoring the `data` strings given."""

    language: str
    data: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        english = vocabulary("en") | ENGLISH_FUNCTION_WORDS
        allowed = vocabulary(self.language) | words(" ".join(LANGUAGE_NAMES.values()))
        self.english = {w for w in english - allowed if len(w) > 1}

    def without_data(self, text: str) -> str:
        for item in sorted(self.data, key=len, reverse=True):
            text = text.replace(item, " ")
        return HAS_DIGIT.sub(" ", URL_PATH.sub(" ", text))

    def found(self, html: str) -> dict[str, list[str]]:
        """The texts of a page that hold English words, each with those words."""
        found: dict[str, list[str]] = {}
        for text in visible_text(html):
            if english := sorted(words(self.without_data(text)) & self.english):
                found[text] = english
        return found
