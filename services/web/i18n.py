"""The interface in English, Dutch and French: one catalogue, a row per message.

The user picks a language with the selector (kept in a cookie); until then the browser's
Accept-Language decides. Values (statuses, day-parts, kinds) are translated when the
catalogue knows them, else shown as words.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.indicator_labels import TRANSLATED_LABELS, TRANSLATED_UNITS
from contracts.indicators import INDICATORS
from contracts.report import COUNTRY_NAMES, UNKNOWN_COUNTRY
from services.web.figures_charts import ChartWords
from services.web.messages import GENERAL
from services.web.messages_casework import CASEWORK
from services.web.messages_refusals import REFUSALS

LANGUAGES = ("en", "nl", "fr")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "fr": "Français"}
LANGUAGE_COOKIE = "pace_lang"

# key: (English, Dutch, French), from the three catalogue modules
MESSAGES: dict[str, tuple[str, str, str]] = {**GENERAL, **REFUSALS, **CASEWORK}


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language when set, else the browser's first one we speak, else English."""
    if cookie in LANGUAGES:
        return cookie
    ranked = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, i, tag.split("-")[0].lower()))
    for _w, _i, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return "en"


def indicator_messages() -> dict[str, tuple[str, str, str]]:
    """Each indicator's label as a message row (English from contracts.indicators), and
    `unit:<unit>` for what it counts; untranslated ones stay English (a test fails on them)."""
    def translated(name: str, label: str) -> tuple[str, str]:
        if name in TRANSLATED_LABELS:
            return TRANSLATED_LABELS[name]
        row = MESSAGES.get(name)  # a row added here instead: used, yet a test asks to move it
        return (row[1], row[2]) if row else (label, label)

    rows = {i.name: (i.label, *translated(i.name, i.label)) for i in INDICATORS}
    units = {i.unit for i in INDICATORS} | set(TRANSLATED_UNITS)
    rows.update({f"unit:{u}": (u, *TRANSLATED_UNITS.get(u, (u, u))) for u in units})
    return rows


def catalogue() -> dict[str, tuple[str, str, str]]:
    """Every message: MESSAGES, with the indicators' labels taken from contracts."""
    return {**MESSAGES, **indicator_messages()}


def translator(language: str) -> Callable[[str], str]:
    """t(key): the message in the language; unknown keys come back as words."""
    index = LANGUAGES.index(language)
    rows = catalogue()

    def t(key: str) -> str:
        row = rows.get(str(key))
        return row[index] if row else str(key).replace("_", " ")
    return t


def country_namer(t: Callable[[str], str]) -> Callable[[str], str]:
    """A country code's name in the language ('België (BE)'); unknown codes as they are."""
    def name(country: str) -> str:
        if country == UNKNOWN_COUNTRY:
            return t("country_unknown")
        return t(f"country_{country}") if country in COUNTRY_NAMES else country
    return name


def chart_words(language: str) -> ChartWords:
    """The charts' words (titles, axes, legends) in the language."""
    t = translator(language)
    return ChartWords(by_partner=t("chart_by_partner"), by_country=t("chart_by_country"),
                      axis=t("chart_axis"), share=t("chart_share"),
                      over_time=t("chart_over_time"), network=t("network"),
                      date_axis=t("chart_date_axis"),
                      label=t, unit=lambda unit: t(f"unit:{unit}"), country=country_namer(t))
