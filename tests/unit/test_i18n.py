"""Every message the web apps use exists in English, Dutch and French, indicators included."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import pytest

from contracts.indicator_labels import TRANSLATED_LABELS, TRANSLATED_UNITS
from contracts.indicators import INDICATORS
from contracts.registry import EVENT_TYPES
from services.web import hub_app, partner_app
from services.web.i18n import LANGUAGES, MESSAGES, catalogue, translator
from services.web.partner.talk import CHOICES
from services.web.phrases import PHRASES, phrase_translator
from services.web.users import Role

WEB = Path(hub_app.__file__).parent
T_CALL = re.compile(r"""\bt\(\s*(["'])([^"'{}]+)\1\s*\)""")
STATUSES = {  # the values the services' views put in `status` columns, shown with t(...)
    "families": ("referred", "enrolled", "declined", "erased"),
    "bookings": ("booked", "waitlisted", "cancelled", "released", "no_show", "checked_in",
                 "attended"),
    "trajectories": ("ongoing", "completed", "dropped"),
    "approvals": ("status_open", "status_submitted", "status_approved"),
    "flash": ("done", "refused", "nothing_to_do"),
    "errors": ("forbidden", "not_found", "unavailable", "refused"),
    "weekdays": tuple(f"weekday_{day}" for day in range(7)),
    "refusal codes": ("code_rule_broken", "code_unknown_family", "code_not_found",
                      "code_invalid_input", "code_conflict", "code_unavailable",
                      "code_internal_error", "code_period_not_closed",
                      "code_approval_step_refused"),
    "phrases": tuple(key for _pattern, key in PHRASES),
    "events": tuple(f"event_{name}" for name in EVENT_TYPES),  # what a command recorded
}


def keys_used_in(text: str) -> set[str]:
    """The message keys a template or module passes to t(...) as literals."""
    return {match.group(2) for match in T_CALL.finditer(text)}


def keys_used_by_the_web_apps() -> dict[str, set[str]]:
    """file -> the literal keys it uses; plus the keys named by data the apps translate."""
    used = {str(path.relative_to(WEB)): keys_used_in(path.read_text(encoding="utf-8"))
            for path in [*sorted((WEB / "templates").glob("*.html")),
                         *sorted(WEB.rglob("*.py"))]}
    used["navigation"] = {item.label for item in [*partner_app.NAV, *hub_app.NAV]}
    used["roles"] = {role.value for role in Role}
    used["choices"] = {member.value for members in CHOICES.values() for member in members
                       if isinstance(member, Enum)}
    used["statuses"] = {key for keys in STATUSES.values() for key in keys}
    return used


def missing(keys: set[str], known: dict[str, tuple[str, str, str]]) -> set[str]:
    return {key for key in keys if key not in known or not all(known[key])}


def test_every_key_the_web_apps_use_exists_in_all_three_languages() -> None:
    known = catalogue()
    gaps = {where: sorted(missing(keys, known))
            for where, keys in keys_used_by_the_web_apps().items() if missing(keys, known)}
    assert gaps == {}, f"keys without English, Dutch and French in MESSAGES: {gaps}"


def test_the_key_check_finds_a_key_used_but_not_in_the_catalogue() -> None:
    template = '<h1>{{ t("families_title") }}</h1><p>{{ t("overdue_contacts") }} {{ t(x) }}</p>'

    assert keys_used_in(template) == {"families_title", "overdue_contacts"}
    assert missing(keys_used_in(template), catalogue()) == {"overdue_contacts"}
    assert missing({"x"}, {"x": ("Overdue", "", "En retard")}) == {"x"}  # a blank one


def test_every_row_of_the_catalogue_has_three_languages() -> None:
    blank = [key for key, row in catalogue().items()
             if len(row) != len(LANGUAGES) or not all(v.strip() for v in row)]
    assert blank == []
    assert all(isinstance(key, str) and key for key in MESSAGES)


def test_every_indicator_has_a_dutch_and_a_french_label() -> None:
    names = {i.name for i in INDICATORS}

    assert names - set(TRANSLATED_LABELS) == set(), (
        "indicators without Dutch and French labels in contracts/indicator_labels.py")
    assert set(TRANSLATED_LABELS) - names == set(), "labels of indicators that do not exist"
    assert {i.unit for i in INDICATORS} - set(TRANSLATED_UNITS) == set()
    for name, (dutch, french) in TRANSLATED_LABELS.items():
        assert dutch.strip() and french.strip() and dutch != french, name


def test_indicator_labels_come_from_the_contracts_in_english_and_are_translated() -> None:
    english, dutch, french = (translator(language) for language in LANGUAGES)
    for indicator in INDICATORS:
        assert english(indicator.name) == indicator.label
        assert dutch(indicator.name) == TRANSLATED_LABELS[indicator.name][0]
        assert french(indicator.name) == TRANSLATED_LABELS[indicator.name][1]
    assert dutch("unit:parents") == "ouders" and french("unit:days") == "jours"


def test_a_refusal_is_translated_by_its_reason_keeping_its_specifics() -> None:
    refusal = "rule_broken: family fam-7 is already on the waiting list since 2026-11-02 "
    dutch, french, english = (phrase_translator(language) for language in ("nl", "fr", "en"))

    assert dutch(refusal) == ("Niet toegestaan: gezin fam-7 staat al op de wachtlijst sinds "
                              "2026-11-02")
    assert french("rule_broken: family fam-7 is already enrolled") == (
        "Non autorisé: la famille fam-7 est déjà inscrite")
    assert english("family fam-7 is already on the waiting list since 2026-11-02") == (
        "family fam-7 is already on the waiting list since 2026-11-02")
    assert dutch("no session 'centre:2026-13-01:morning'") == (
        "geen opvangmoment 'centre:2026-13-01:morning'")
    assert dutch("something no pattern knows") == "something no pattern knows"


def test_what_a_command_recorded_is_said_in_the_language_and_by_type_in_english() -> None:
    recorded = "FamilyEnrolled, ReferralAnswered"

    assert phrase_translator("en")(recorded) == recorded  # as the browser tests read it
    assert phrase_translator("nl")(recorded) == "gezin opgenomen, doorverwijzer geantwoord"
    assert phrase_translator("fr")("FiguresApproved") == "chiffres approuvés"


def test_every_phrase_keeps_every_field_of_its_pattern_in_all_languages() -> None:
    known = catalogue()
    for pattern, key in PHRASES:
        fields = set(re.compile(pattern).groupindex)
        for value in known[key]:
            assert set(re.findall(r"{(\w+)}", value)) == fields, (key, value)


SAMPLES = [  # messages as the services and the web apps write them
    "family fam-1 has not given consent for childcare",
    "family fam-1 is already enrolled: it cannot wait for a place",
    "family fam-1 is already declined",
    "family fam-1 was referred on 2026-03-02: it cannot wait from 2026-03-01",
    "no family fam-1 has been referred here",
    "the trajectory of family fam-002 was dropped on 2026-11-30: no new bookings after a "
    "dropped trajectory",
    "the trajectory of family fam-2 ended on 2026-09-01; bridging ended on 2026-10-27 "
    "(8 weeks): no places from that day on, and the session is on 2026-12-07",
    "the trajectory of family fam-2 ended on 2026-11-01; bridging ends on 2026-12-27 "
    "(8 weeks): no places from that day on, and the session is on 2027-01-04",
    "child chd-1 has been handed over on 2026-10-02: no new bookings for this child",
    "mechelen's 2026-Q3 is open: only submitted figures can be approved",
    "2026-Q4 is not over yet (it ends on 2026-12-31): submit it from the day after",
    "3 places released, 1 waiting children promoted (as of 2026-12-01)",
    "no trajectory for family fam-9",
]


@pytest.mark.parametrize("message", SAMPLES)
def test_a_known_message_reads_the_same_in_english_and_differs_in_dutch_and_french(
        message: str) -> None:
    assert phrase_translator("en")(message) == message
    for language in ("nl", "fr"):
        translated = phrase_translator(language)(message)
        assert translated != message
        specifics = re.findall(r"[\w-]*\d[\w-]*", message)
        assert all(part in translated for part in specifics), (language, translated)


def test_charts_say_their_words_in_the_language_and_the_english_as_before() -> None:
    from datetime import date

    from services.web.figures_charts import ENGLISH, trend_charts
    from services.web.i18n import chart_words

    trends = {"families_referred": [(date(2026, 3, 31), 4), (date(2026, 6, 30), 9)]}
    english = chart_words("en")

    for field in ("by_partner", "by_country", "axis", "share", "over_time", "network",
                  "date_axis"):
        assert getattr(english, field) == getattr(ENGLISH, field), field
    assert "Network over time: Families referred" in trend_charts(trends)[0]
    assert "mechelen over time: Families referred" in trend_charts(trends, "mechelen")[0]
    dutch = trend_charts(trends, words=chart_words("nl"))[0]
    assert "Netwerk doorheen de tijd: Gezinnen aangemeld" in dutch
    assert "datum (cijfers tot die datum)" in dutch and "over time" not in dutch
    assert chart_words("fr").country("BE") == "Belgique (BE)"
