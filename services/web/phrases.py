"""Messages with specifics (a family, a date) in the user's language: refusals and errors.

The services refuse a command with a code and an English message that names the family,
the date or the session; the web apps' own errors do the same. Each known message is a
pattern here with the key of its translation in MESSAGES, whose {fields} take the pattern's
named groups, so the specifics stay as they were. A message no pattern knows is shown as it
came (the page test in tests/web/test_languages.py fails on one that reaches a page).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from services.web.i18n import catalogue, translator

F = r"(?P<family>[\w.:-]+)"
PHRASES: tuple[tuple[str, str], ...] = (  # (English pattern, message key)
    # the web apps' own errors
    (rf"no family {F}", "error_no_family"),
    (rf"no trajectory for family {F}", "error_no_trajectory"),
    (r"no week '(?P<week>[^']*)'", "error_no_week"),
    (r"no session '(?P<session>[^']*)'", "error_no_session"),
    (r"no action (?P<action>\S+)", "error_no_action"),
    (r"invalid form fields: (?P<fields>.*)", "error_invalid_form"),
    (r"(?P<service>\w+) does not answer: (?P<error>.*)", "error_no_answer"),
    (r"period '(?P<period>[^']*)': figures are approved by quarter", "error_not_a_quarter"),
    (r"period '(?P<period>[^']*)': .*", "error_bad_period"),
    (r"(?P<released>\d+) places released, (?P<promoted>\d+) waiting children promoted "
     r"\(as of (?P<on>[\d-]+)\)", "released_places"),
    # refusals by intake
    (rf"family {F} has not given consent for (?P<purpose>\w+)", "refused_no_consent_for"),
    (rf"family {F} is already enrolled: it cannot wait for a place", "refused_wait_enrolled"),
    (rf"family {F} is already declined: it cannot wait for a place", "refused_wait_declined"),
    (rf"family {F} is already enrolled", "refused_already_enrolled"),
    (rf"family {F} is already declined", "refused_already_declined"),
    (rf"family {F} has already been referred", "refused_already_referred"),
    (rf"family {F}'s referral was declined", "refused_referral_declined"),
    (rf"family {F} has not consented to a trajectory", "refused_no_trajectory_consent"),
    (rf"family {F} is already on the waiting list since (?P<since>[\d-]+)",
     "refused_already_waiting"),
    (rf"family {F} was referred on (?P<referred>[\d-]+): it cannot wait from (?P<held>[\d-]+)",
     "refused_wait_before_referral"),
    (rf"family {F} is not on the waiting list", "refused_not_waiting"),
    (rf"no family {F} has been referred here", "refused_unknown_family"),
    (rf"family {F} has been erased", "refused_erased"),
    # refusals by booking
    (rf"no family {F} is known to booking", "refused_unknown_to_booking"),
    (rf"family {F} was erased", "refused_erased"),
    (rf"family {F} is not enrolled in a trajectory", "refused_not_enrolled"),
    (rf"family {F} has not consented to childcare", "refused_no_childcare_consent"),
    (rf"child (?P<child>\S+) is not a child of {F}", "refused_not_their_child"),
    (r"child (?P<child>\S+) has been handed over on (?P<on>[\d-]+): no new bookings for this "
     r"child", "refused_handed_over_on"),
    (rf"the trajectory of family {F} was dropped on (?P<on>[\d-]+): no new bookings after a "
     r"dropped trajectory", "refused_after_drop"),
    (rf"the trajectory of family {F} ended on (?P<on>[\d-]+); bridging ended on "
     r"(?P<end>[\d-]+) \((?P<weeks>\d+) weeks\): no places from that day on, and the session "
     r"is on (?P<session>[\d-]+)", "refused_after_bridging_ended"),
    (rf"the trajectory of family {F} ended on (?P<on>[\d-]+); bridging ends on "
     r"(?P<end>[\d-]+) \((?P<weeks>\d+) weeks\): no places from that day on, and the session "
     r"is on (?P<session>[\d-]+)", "refused_after_bridging"),
    (r"the session of (?P<on>[\d-]+) is in the past", "refused_session_past"),
    (r"session (?P<session>\S+) is in the past", "refused_session_id_past"),
    (r"child (?P<child>\S+) already has this session", "refused_child_booked"),
    (r"child (?P<child>\S+) has already been handed over", "refused_handed_over"),
    (r"child (?P<child>\S+) is older than (?P<years>\d+) on (?P<on>[\d-]+)",
     "refused_child_too_old"),
    (r"child (?P<child>\S+) is not born yet on (?P<on>[\d-]+)", "refused_child_unborn"),
    # refusals by the hub's approval of a quarter
    (r"(?P<period>\S+) is not a quarter: figures are approved by quarter \(e\.g\. 2020-Q1\)",
     "refused_not_a_quarter"),
    (r"(?P<period>\S+) is not over yet \(it ends on (?P<end>[\d-]+)\): submit it from the day "
     r"after", "refused_not_over"),
    (r"(?P<partner>[\w-]+)'s (?P<period>\S+) is already approved: the coordinator must "
     r"reopen it first", "refused_submit_approved"),
    (r"(?P<partner>[\w-]+)'s (?P<period>\S+) is already submitted and awaits the coordinator",
     "refused_submit_submitted"),
    (r"(?P<partner>[\w-]+)'s (?P<period>\S+) is (?P<approval>\w+): only submitted figures can "
     r"be approved", "refused_approve_not_submitted"),
    (r"(?P<partner>[\w-]+)'s (?P<period>\S+) is (?P<approval>\w+): only approved figures can "
     r"be reopened", "refused_reopen_not_approved"),
    # refusals by trajectory
    (rf"family {F} has no trajectory", "refused_no_trajectory"),
    (rf"family {F}'s trajectory has ended", "refused_trajectory_ended"),
    (r"parent (?P<parent>\S+)'s trajectory has ended", "refused_parent_trajectory_ended"),
)
COMPILED = tuple((re.compile(pattern), key) for pattern, key in PHRASES)
CODED = re.compile(r"(?P<code>[a-z_]+): (?P<message>.*?)\s*")
EVENT_LIST = re.compile(r"[A-Z][A-Za-z]+(, [A-Z][A-Za-z]+)*")
VALUES = frozenset({"purpose"})
"""Named groups whose value is itself a message (a consent purpose)."""


def phrase_translator(language: str) -> Callable[[str], str]:
    """say(text): a known message in the language, its specifics kept; others as they are.

    A refusal shown as `code: message` gets its code and message translated apart.
    """
    t, keys = translator(language), catalogue()

    def known(text: str) -> str | None:
        for pattern, key in COMPILED:
            if match := pattern.fullmatch(text):
                fields = {name: t(value) if name in VALUES and value in keys else value
                          for name, value in match.groupdict().items()}
                if "approval" in fields and language != "en":  # English keeps the word
                    fields["approval"] = t(f"status_{fields['approval']}")
                return t(key).format(**fields)
        return None

    def say(text: str) -> str:
        text = str(text)
        if (found := known(text)) is not None:
            return found
        if EVENT_LIST.fullmatch(text):  # what a command recorded
            return ", ".join(t(f"event_{name}") if f"event_{name}" in keys else name
                             for name in text.split(", "))
        if coded := CODED.fullmatch(text):
            message = coded["message"]
            return f"{t('code_' + coded['code'])}: {known(message) or message}"
        return t(text) if text == "nothing_to_do" else text
    return say
