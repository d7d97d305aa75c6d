"""The checks that keep English off Dutch and French pages catch what they are for.

The templates carry no words of their own (every word comes through t(...)); no message is
left in English in Dutch or French; and a page rendered in Dutch with an untranslated
message or template literal is caught by the finder the page test uses
(tests/web/test_languages.py renders every real page with it).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2 import ChoiceLoader, DictLoader

from services.web import partner_app  # noqa: F401 - its routers add their messages
from services.web.common import templates
from services.web.i18n import LANGUAGE_NAMES, MESSAGES, translator
from services.web.phrases import phrase_translator
from tests.web.english import EnglishFinder, untranslated, visible_text, words

TEMPLATES = Path(templates.env.loader.searchpath[0])  # type: ignore[attr-defined]
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
OWN_WORDS = frozenset({"pace"})  # the programme's name
DATA = {"Anouk Verhaegen", "Lotte", "centre"}


def literal_words(source: str) -> list[str]:
    """Words a template shows that do not come through t(...) or data: untranslated."""
    shown = visible_text(JINJA.sub(" ", source))
    return [w for text in shown for w in sorted(words(text) - OWN_WORDS)]


def page(body: str, language: str) -> str:
    """A page on base.html in a language, with `body` as its main block."""
    env = templates.env.overlay(loader=ChoiceLoader([
        DictLoader({"probe.html": '{% extends "base.html" %}{% block main %}' + body
                    + "{% endblock %}"}), templates.env.loader]))
    request = SimpleNamespace(url=SimpleNamespace(path="/families", query=""))
    return env.get_template("probe.html").render(
        request=request, t=translator(language), say=phrase_translator(language),
        lang=language, languages=LANGUAGE_NAMES, user=None, nav=[], flash=None,
        site="mechelen", families=[{"family_id": "fam-001", "parents": "Anouk Verhaegen"}])


def test_no_template_shows_a_word_of_its_own() -> None:
    found = {path.name: literal_words(path.read_text(encoding="utf-8"))
             for path in sorted(TEMPLATES.glob("*.html"))}
    assert {name: w for name, w in found.items() if w} == {}


def test_the_template_check_catches_an_untranslated_literal() -> None:
    source = '<h2>{{ t("families_title") }}</h2><p title="Overdue">No contact for {{ n }} weeks</p>'

    assert literal_words(source) == ["overdue", "contact", "for", "no", "weeks"]
    assert literal_words('<h2>{{ t("families_title") }}</h2><td>{{ f.parents }}</td>') == []


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_no_message_is_left_in_english(language: str) -> None:
    assert untranslated(language) == {}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_a_translated_page_passes_and_data_on_it_is_not_english(language: str) -> None:
    body = ('<h1>{{ t("families_title") }}</h1>{% for f in families %}<p>{{ f.parents }}, '
            'Lotte, centre, 2026-12-01, fam-001</p>{% endfor %}<p>{{ t("families_referred") }}</p>')

    assert EnglishFinder(language, DATA).found(page(body, language)) == {}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_an_untranslated_template_literal_is_caught_on_the_page(language: str) -> None:
    body = '<h1>{{ t("families_title") }}</h1><p>Nothing to book this week</p>'

    found = EnglishFinder(language, DATA).found(page(body, language))

    assert list(found) == ["Nothing to book this week"]
    assert {"nothing", "this", "book"} <= set(found["Nothing to book this week"])


def test_a_message_copied_from_english_is_caught_on_the_page(monkeypatch) -> None:
    monkeypatch.setitem(MESSAGES, "overdue_contacts",
                        ("Overdue contacts", "Overdue contacts", "Contacts en retard"))

    assert untranslated("nl") == {"overdue_contacts": "Overdue contacts"}
    assert untranslated("fr") == {}
    found = EnglishFinder("nl", DATA).found(page('<p>{{ t("overdue_contacts") }}</p>', "nl"))
    assert found == {"Overdue contacts": ["contacts", "overdue"]}
    assert EnglishFinder("fr", DATA).found(page('<p>{{ t("overdue_contacts") }}</p>', "fr")) == {}


def test_a_key_missing_from_the_catalogue_shows_as_english_words_and_is_caught() -> None:
    found = EnglishFinder("fr", DATA).found(page('<p>{{ t("no_contact_for_weeks") }}</p>', "fr"))

    assert list(found) == ["no contact for weeks"]
    assert {"for", "no"} <= set(found["no contact for weeks"])
