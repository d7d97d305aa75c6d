"""Refusals and errors by their code, and the known ones with their specifics: key -> (English,
Dutch, French). services.web.phrases matches the English message and fills in {fields}."""

from __future__ import annotations

REFUSALS: dict[str, tuple[str, str, str]] = {
    # refusals by their code, and the known refusals and errors with their specifics
    # (services.web.phrases matches the English message and fills in {fields})
    "code_rule_broken": ("Not allowed", "Niet toegestaan", "Non autorisé"),
    "code_unknown_family": ("Unknown family", "Onbekend gezin", "Famille inconnue"),
    "code_not_found": ("Not found", "Niet gevonden", "Introuvable"),
    "code_invalid_input": ("Invalid input", "Ongeldige invoer", "Saisie non valable"),
    "code_conflict": ("Changed meanwhile", "Intussen gewijzigd", "Modifié entre-temps"),
    "code_unavailable": ("Unavailable", "Niet beschikbaar", "Indisponible"),
    "code_internal_error": ("Internal error", "Interne fout", "Erreur interne"),
    "code_period_not_closed": ("Period not closed", "Periode niet afgesloten",
                               "Période non clôturée"),
    "code_approval_step_refused": ("Approval step refused", "Goedkeuringsstap geweigerd",
                                   "Étape d'approbation refusée"),
    "refused_not_a_quarter": ("{period} is not a quarter: figures are approved by quarter "
                              "(e.g. 2020-Q1)",
                              "{period} is geen kwartaal: cijfers worden per kwartaal "
                              "goedgekeurd (bv. 2020-Q1)",
                              "{period} n'est pas un trimestre : les chiffres s'approuvent par "
                              "trimestre (p. ex. 2020-Q1)"),
    "refused_not_over": ("{period} is not over yet (it ends on {end}): submit it from the day "
                         "after",
                         "{period} is nog niet voorbij (het eindigt op {end}): dien het in "
                         "vanaf de dag erna",
                         "{period} n'est pas terminé (il finit le {end}) : soumettez-le dès le "
                         "lendemain"),
    "refused_submit_approved": ("{partner}'s {period} is already approved: the coordinator "
                                "must reopen it first",
                                "{period} van {partner} is al goedgekeurd: de coördinator moet "
                                "het eerst heropenen",
                                "le {period} de {partner} est déjà approuvé : le coordinateur "
                                "doit d'abord le rouvrir"),
    "refused_submit_submitted": ("{partner}'s {period} is already submitted and awaits the "
                                 "coordinator",
                                 "{period} van {partner} is al ingediend en wacht op de "
                                 "coördinator",
                                 "le {period} de {partner} est déjà soumis et attend le "
                                 "coordinateur"),
    "refused_approve_not_submitted": ("{partner}'s {period} is {approval}: only submitted "
                                      "figures can be approved",
                                      "{period} van {partner}: {approval}; enkel ingediende "
                                      "cijfers kunnen goedgekeurd worden",
                                      "le {period} de {partner} : {approval} ; seuls des "
                                      "chiffres soumis peuvent être approuvés"),
    "refused_reopen_not_approved": ("{partner}'s {period} is {approval}: only approved "
                                    "figures can be reopened",
                                    "{period} van {partner}: {approval}; enkel goedgekeurde "
                                    "cijfers kunnen heropend worden",
                                    "le {period} de {partner} : {approval} ; seuls des "
                                    "chiffres approuvés peuvent être rouverts"),
    "error_no_family": ("no family {family}", "geen gezin {family}", "aucune famille {family}"),
    "error_no_trajectory": ("no trajectory for family {family}", "geen traject voor gezin {family}",
                            "aucun parcours pour la famille {family}"),
    "error_no_week": ("no week '{week}'", "geen week '{week}'", "pas de semaine « {week} »"),
    "error_no_session": ("no session '{session}'", "geen opvangmoment '{session}'",
                         "pas de séance « {session} »"),
    "error_invalid_form": ("invalid form fields: {fields}",
                           "ongeldige of ontbrekende velden: {fields}",
                           "champs manquants ou non valables : {fields}"),
    "error_no_action": ("no action {action}", "geen actie {action}", "pas d'action {action}"),
    "error_no_answer": ("{service} does not answer: {error}", "{service} antwoordt niet: {error}",
                        "{service} ne répond pas : {error}"),
    "error_not_a_quarter": ("period '{period}': figures are approved by quarter",
                            "periode '{period}': cijfers worden per kwartaal goedgekeurd",
                            "période « {period} » : les chiffres s'approuvent par trimestre"),
    "error_bad_period": ("period '{period}' is not a period: use 'to-date', a year (2020), a "
                         "quarter (2020-Q1), a month (2020-02) or a range (2017..2022)",
                         "periode '{period}' bestaat niet: gebruik 'to-date', een jaar (2020), "
                         "een kwartaal (2020-Q1), een maand (2020-02) of een reeks (2017..2022)",
                         "période « {period} » inconnue : utilisez 'to-date', une année (2020), "
                         "un trimestre (2020-Q1), un mois (2020-02) ou un intervalle (2017..2022)"),
    "released_places": ("{released} places released, {promoted} waiting children promoted "
                        "(as of {on})",
                        "{released} plaatsen vrijgegeven, {promoted} wachtende kinderen "
                        "doorgeschoven (op {on})",
                        "{released} places libérées, {promoted} enfants en attente promus "
                        "(au {on})"),
    "refused_no_consent_for": ("family {family} has not given consent for {purpose}",
                               "gezin {family} gaf geen toestemming voor {purpose}",
                               "la famille {family} n'a pas donné son consentement pour {purpose}"),
    "refused_wait_enrolled": ("family {family} is already enrolled: it cannot wait for a place",
                              "gezin {family} is al opgenomen: het kan niet op een plaats "
                              "wachten",
                              "la famille {family} est déjà inscrite : elle ne peut pas "
                              "attendre de place"),
    "refused_wait_declined": ("family {family} is already declined: it cannot wait for a place",
                              "gezin {family} is al afgewezen: het kan niet op een plaats "
                              "wachten",
                              "la famille {family} est déjà refusée : elle ne peut pas "
                              "attendre de place"),
    "refused_already_enrolled": ("family {family} is already enrolled",
                                 "gezin {family} is al opgenomen",
                                 "la famille {family} est déjà inscrite"),
    "refused_already_declined": ("family {family} is already declined",
                                 "gezin {family} is al afgewezen",
                                 "la famille {family} est déjà refusée"),
    "refused_already_referred": ("family {family} has already been referred",
                                 "gezin {family} is al aangemeld",
                                 "la famille {family} a déjà été orientée"),
    "refused_referral_declined": ("family {family}'s referral was declined",
                                  "de aanmelding van gezin {family} werd afgewezen",
                                  "l'orientation de la famille {family} a été refusée"),
    "refused_no_trajectory_consent": ("family {family} has not consented to a trajectory",
                                      "gezin {family} gaf geen toestemming voor een traject",
                                      "la famille {family} n'a pas consenti à un parcours"),
    "refused_already_waiting": ("family {family} is already on the waiting list since {since}",
                                "gezin {family} staat al op de wachtlijst sinds {since}",
                                "la famille {family} est déjà en liste d'attente depuis le "
                                "{since}"),
    "refused_wait_before_referral": ("family {family} was referred on {referred}: it cannot "
                                     "wait from {held}",
                                     "gezin {family} werd aangemeld op {referred}: het kan niet "
                                     "wachten vanaf {held}",
                                     "la famille {family} a été orientée le {referred} : elle ne "
                                     "peut pas attendre depuis le {held}"),
    "refused_not_waiting": ("family {family} is not on the waiting list",
                            "gezin {family} staat niet op de wachtlijst",
                            "la famille {family} n'est pas en liste d'attente"),
    "refused_unknown_family": ("no family {family} has been referred here",
                               "gezin {family} werd hier niet aangemeld",
                               "aucune famille {family} n'a été orientée ici"),
    "refused_erased": ("family {family} has been erased", "gezin {family} werd gewist",
                       "la famille {family} a été effacée"),
    "refused_unknown_to_booking": ("no family {family} is known to booking",
                                   "gezin {family} is niet gekend bij de opvang",
                                   "la famille {family} est inconnue de l'accueil"),
    "refused_not_enrolled": ("family {family} is not enrolled in a trajectory",
                             "gezin {family} is niet opgenomen in een traject",
                             "la famille {family} n'est pas inscrite dans un parcours"),
    "refused_no_childcare_consent": ("family {family} has not consented to childcare",
                                     "gezin {family} gaf geen toestemming voor kinderopvang",
                                     "la famille {family} n'a pas consenti à l'accueil"),
    "refused_not_their_child": ("child {child} is not a child of {family}",
                                "kind {child} is geen kind van {family}",
                                "l'enfant {child} n'est pas un enfant de {family}"),
    "refused_handed_over_on": ("child {child} has been handed over on {on}: no new bookings "
                               "for this child",
                               "kind {child} werd overgedragen op {on}: geen nieuwe boekingen "
                               "voor dit kind",
                               "l'enfant {child} a fait sa transition le {on} : plus de "
                               "réservation pour cet enfant"),
    "refused_after_drop": ("the trajectory of family {family} was dropped on {on}: no new "
                           "bookings after a dropped trajectory",
                           "het traject van gezin {family} werd stopgezet op {on}: geen nieuwe "
                           "boekingen na een stopgezet traject",
                           "le parcours de la famille {family} a été arrêté le {on} : plus de "
                           "réservation après un parcours arrêté"),
    "refused_after_bridging": ("the trajectory of family {family} ended on {on}; bridging "
                               "ends on {end} ({weeks} weeks): no places from that day on, and "
                               "the session is on {session}",
                               "het traject van gezin {family} eindigde op {on}; de overbrugging "
                               "eindigt op {end} ({weeks} weken): geen plaatsen vanaf die dag, en "
                               "het opvangmoment is op {session}",
                               "le parcours de la famille {family} s'est terminé le {on} ; la "
                               "transition finit le {end} ({weeks} semaines) : plus de place à "
                               "partir de ce jour, et la séance est le {session}"),
    "refused_after_bridging_ended": ("the trajectory of family {family} ended on {on}; "
                                     "bridging ended on {end} ({weeks} weeks): no places from "
                                     "that day on, and the session is on {session}",
                                     "het traject van gezin {family} eindigde op {on}; de "
                                     "overbrugging eindigde op {end} ({weeks} weken): geen "
                                     "plaatsen vanaf die dag, en het opvangmoment is op {session}",
                                     "le parcours de la famille {family} s'est terminé le {on} ; "
                                     "la transition a fini le {end} ({weeks} semaines) : plus de "
                                     "place à partir de ce jour, et la séance est le {session}"),
    "refused_session_past": ("the session of {on} is in the past",
                             "het opvangmoment van {on} is voorbij",
                             "la séance du {on} est passée"),
    "refused_session_id_past": ("session {session} is in the past",
                                "opvangmoment {session} is voorbij",
                                "la séance {session} est passée"),
    "refused_child_booked": ("child {child} already has this session",
                             "kind {child} heeft dit opvangmoment al",
                             "l'enfant {child} a déjà cette séance"),
    "refused_handed_over": ("child {child} has already been handed over",
                            "kind {child} is al overgedragen",
                            "l'enfant {child} a déjà fait sa transition"),
    "refused_child_too_old": ("child {child} is older than {years} on {on}",
                              "kind {child} is ouder dan {years} op {on}",
                              "l'enfant {child} a plus de {years} ans le {on}"),
    "refused_child_unborn": ("child {child} is not born yet on {on}",
                             "kind {child} is nog niet geboren op {on}",
                             "l'enfant {child} n'est pas encore né le {on}"),
    "refused_no_trajectory": ("family {family} has no trajectory",
                              "gezin {family} heeft geen traject",
                              "la famille {family} n'a pas de parcours"),
    "refused_trajectory_ended": ("family {family}'s trajectory has ended",
                                 "het traject van gezin {family} is beëindigd",
                                 "le parcours de la famille {family} est terminé"),
    "refused_parent_trajectory_ended": ("parent {parent}'s trajectory has ended",
                                        "het traject van ouder {parent} is beëindigd",
                                        "le parcours du parent {parent} est terminé"),
}
