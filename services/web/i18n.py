"""The interface in English, Dutch and French: one catalogue, a row per message.

The user picks a language with the selector (kept in a cookie); until then the browser's
Accept-Language decides. Values (statuses, day-parts, kinds) are translated when the
catalogue knows them, else shown as words.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.indicator_labels import TRANSLATED_LABELS, TRANSLATED_UNITS
from contracts.indicators import INDICATORS

LANGUAGES = ("en", "nl", "fr")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "fr": "Français"}
LANGUAGE_COOKIE = "pace_lang"

# key: (English, Dutch, French)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "app_title": ("PACE", "PACE", "PACE"),
    "language": ("Language", "Taal", "Langue"),
    "login": ("Log in", "Aanmelden", "Se connecter"),
    "logout": ("Log out", "Afmelden", "Se déconnecter"),
    "username": ("User name", "Gebruikersnaam", "Nom d'utilisateur"),
    "password": ("Password", "Wachtwoord", "Mot de passe"),
    "bad_login": ("Wrong user name or password.", "Verkeerde gebruikersnaam of wachtwoord.",
                  "Nom d'utilisateur ou mot de passe incorrect."),
    "forbidden": ("Not for your role", "Niet voor jouw rol", "Pas pour votre rôle"),
    "forbidden_text": ("Your role does not give access to this page.",
                       "Je rol geeft geen toegang tot deze pagina.",
                       "Votre rôle ne donne pas accès à cette page."),
    "unavailable": ("The service does not answer; try again shortly.",
                    "De dienst antwoordt niet; probeer het zo opnieuw.",
                    "Le service ne répond pas ; réessayez dans un instant."),
    "not_found": ("Not found", "Niet gevonden", "Introuvable"),
    "signed_in_as": ("Signed in as", "Aangemeld als", "Connecté en tant que"),
    "partner_admin": ("partner admin", "partnerbeheerder", "administrateur du partenaire"),
    "childcare_worker": ("childcare worker", "kinderbegeleider", "accueillant d'enfants"),
    "coordinator": ("coordinator", "coördinator", "coordinateur"),
    "nav_families": ("Families", "Gezinnen", "Familles"),
    "nav_childcare": ("Childcare week", "Opvangweek", "Semaine d'accueil"),
    "nav_children": ("Handover", "Overdracht", "Transition"),
    "nav_trajectories": ("Trajectories", "Trajecten", "Parcours"),
    "nav_dashboard": ("Figures", "Cijfers", "Chiffres"),
    "done": ("Done", "Gedaan", "Fait"),
    "refused": ("Refused", "Geweigerd", "Refusé"),
    "nothing_to_do": ("Nothing to do: already done.", "Niets te doen: al gebeurd.",
                      "Rien à faire : déjà fait."),
    "submit": ("Save", "Opslaan", "Enregistrer"),
    "search": ("Search", "Zoeken", "Rechercher"),
    "open": ("Open", "Openen", "Ouvrir"),
    "status": ("Status", "Status", "Statut"),
    "actions": ("Actions", "Acties", "Actions"),
    "date": ("Date", "Datum", "Date"),
    "none": ("None yet.", "Nog geen.", "Aucun pour l'instant."),
    # families
    "families_title": ("Families", "Gezinnen", "Familles"),
    "refer_family": ("Refer a family", "Gezin aanmelden", "Orienter une famille"),
    "parent_name": ("Parent's full name", "Volledige naam ouder", "Nom complet du parent"),
    "gender": ("Gender", "Gender", "Genre"),
    "phone": ("Phone", "Telefoon", "Téléphone"),
    "email": ("E-mail", "E-mail", "E-mail"),
    "child_first_name": ("Child's first name", "Voornaam kind", "Prénom de l'enfant"),
    "birth_month": ("Birth month", "Geboortemaand", "Mois de naissance"),
    "referral_source": ("Referred by", "Doorverwezen door", "Orienté par"),
    "referred_on": ("Referred on", "Aangemeld op", "Orienté le"),
    "coaching_notes": ("Coaching notes", "Coachingsnotities", "Notes d'accompagnement"),
    "parents": ("Parents", "Ouders", "Parents"),
    "children": ("Children", "Kinderen", "Enfants"),
    "family": ("Family", "Gezin", "Famille"),
    "contact": ("Contact", "Contact", "Contact"),
    "consent": ("Record consent", "Toestemming vastleggen", "Enregistrer le consentement"),
    "purpose": ("Purpose", "Doel", "Finalité"),
    "consents_given": ("Consent given for", "Toestemming gegeven voor", "Consentement donné pour"),
    "withdraw_consent": ("Withdraw consent", "Toestemming intrekken", "Retirer le consentement"),
    "access_records": ("Who read this record", "Wie dit dossier las", "Qui a lu ce dossier"),
    "enrol": ("Enrol in a trajectory", "Opnemen in traject", "Inscrire dans un parcours"),
    "decline": ("Decline the referral", "Aanmelding afwijzen", "Refuser l'orientation"),
    "reason": ("Reason", "Reden", "Motif"),
    "erase": ("Erase personal data", "Persoonsgegevens wissen",
              "Effacer les données personnelles"),
    "erase_warning": ("This cannot be undone.", "Dit kan niet ongedaan worden.",
                      "C'est irréversible."),
    # childcare
    "week_title": ("Childcare: week of", "Opvang: week van", "Accueil : semaine du"),
    "previous_week": ("Previous week", "Vorige week", "Semaine précédente"),
    "next_week": ("Next week", "Volgende week", "Semaine suivante"),
    "location": ("Location", "Locatie", "Lieu"),
    "daypart": ("Day-part", "Dagdeel", "Demi-journée"),
    "free": ("free", "vrij", "libres"),
    "of": ("of", "van", "sur"),
    "waiting": ("waiting", "wachtend", "en attente"),
    "capacity": ("Places", "Plaatsen", "Places"),
    "set_capacity": ("Set places", "Plaatsen instellen", "Fixer les places"),
    "session_title": ("Session", "Opvangmoment", "Séance"),
    "book": ("Book", "Boeken", "Réserver"),
    "child": ("Child", "Kind", "Enfant"),
    "kind": ("Kind", "Soort", "Type"),
    "hours": ("Hours", "Uren", "Heures"),
    "cancel": ("Cancel", "Annuleren", "Annuler"),
    "check_in": ("Check in", "Inchecken", "Arrivée"),
    "check_out": ("Check out", "Uitchecken", "Départ"),
    "no_show": ("No-show", "Niet gekomen", "Absent"),
    "bookings": ("Bookings", "Boekingen", "Réservations"),
    "waitlist": ("Waitlist", "Wachtlijst", "Liste d'attente"),
    "destination": ("Moves on to", "Gaat naar", "Part vers"),
    "handover": ("Hand over", "Overdragen", "Transmettre"),
    "handover_title": ("Warm handover", "Warme overdracht", "Transition accompagnée"),
    # trajectories
    "trajectories_title": ("Trajectories", "Trajecten", "Parcours"),
    "started_on": ("Started on", "Gestart op", "Commencé le"),
    "trainings": ("Trainings", "Opleidingen", "Formations"),
    "jobs": ("Jobs", "Jobs", "Emplois"),
    "agree_plan": ("Agree a development plan", "Ontwikkelingsplan afspreken",
                   "Convenir d'un plan de développement"),
    "goals": ("Goals", "Doelen", "Objectifs"),
    "start_training": ("Start a training", "Opleiding starten", "Commencer une formation"),
    "complete_training": ("Complete a training", "Opleiding afronden",
                          "Terminer une formation"),
    "start_job": ("Start a job", "Job starten", "Commencer un emploi"),
    "hours_per_week": ("Hours a week", "Uren per week", "Heures par semaine"),
    "end_job": ("End a job", "Job beëindigen", "Terminer un emploi"),
    "involvement_day": ("Parent involvement day", "Ouderbetrokkenheidsdag",
                        "Journée d'implication des parents"),
    "complete_trajectory": ("Complete the trajectory", "Traject afronden",
                            "Terminer le parcours"),
    "outcome": ("Outcome", "Resultaat", "Résultat"),
    "drop_trajectory": ("Stop the trajectory", "Traject stopzetten", "Arrêter le parcours"),
    # the programme's waiting list
    "nav_waiting": ("Waiting list", "Wachtlijst programma", "Liste d'attente du programme"),
    "waiting_title": ("Programme waiting list", "Wachtlijst van het programma",
                      "Liste d'attente du programme"),
    "waiting_intro": ("Referrals waiting for a place, in the order they are taken: priority "
                      "(1 first), then waiting since.",
                      "Aanmeldingen die op een plaats wachten, in de volgorde waarin ze "
                      "opgenomen worden: prioriteit (1 eerst), dan wachtend sinds.",
                      "Orientations en attente d'une place, dans l'ordre de prise en charge : "
                      "priorité (1 d'abord), puis date d'attente."),
    "waiting_since": ("Waiting since", "Wachtend sinds", "En attente depuis"),
    "days_waiting": ("Days waiting", "Dagen wachtend", "Jours d'attente"),
    "priority": ("Priority", "Prioriteit", "Priorité"),
    "set_priority": ("Set", "Instellen", "Fixer"),
    "take_from_list": ("Take into the programme", "Opnemen in het programma",
                       "Prendre dans le programme"),
    "nobody_waiting": ("Nobody is waiting.", "Niemand wacht.", "Personne n'attend."),
    "hold": ("Put on the waiting list", "Op de wachtlijst zetten",
             "Mettre sur la liste d'attente"),
    "referrer_answers": ("Answers to a referrer (CSV, per month)",
                         "Antwoorden aan een doorverwijzer (CSV, per maand)",
                         "Réponses à un prescripteur (CSV, par mois)"),
    "month": ("Month", "Maand", "Mois"),
    "download_csv": ("Download CSV", "CSV downloaden", "Télécharger le CSV"),
    "public_employment_service": ("public employment service", "arbeidsbemiddeling",
                                  "service public de l'emploi"),
    "social_services": ("social services", "sociale dienst", "services sociaux"),
    "child_and_family_agency": ("child and family agency", "Kind en Gezin",
                                "protection maternelle et infantile"),
    "self": ("self", "zelf", "soi-même"),
    "other": ("other", "ander", "autre"),
    "not_eligible": ("not eligible", "niet in aanmerking", "non éligible"),
    "no_capacity": ("no capacity", "geen plaats", "pas de place"),
    "family_declined": ("family declined", "gezin weigerde", "la famille a refusé"),
    "unreachable": ("unreachable", "onbereikbaar", "injoignable"),
    "coach": ("Coach", "Coach", "Accompagnateur"),
    "reassign_coach": ("Hand over to another coach", "Andere coach toewijzen",
                       "Confier à un autre accompagnateur"),
    "reenter_trajectory": ("Start a new trajectory", "Nieuw traject starten",
                           "Commencer un nouveau parcours"),
    # coordinator
    "dashboard_title": ("Cross-border figures", "Grensoverschrijdende cijfers",
                        "Chiffres transfrontaliers"),
    "period": ("Period", "Periode", "Période"),
    "as_of": ("As of", "Op datum", "Au"),
    "show": ("Show", "Tonen", "Afficher"),
    "network": ("Network", "Netwerk", "Réseau"),
    "by_partner": ("By partner", "Per partner", "Par partenaire"),
    "by_country": ("By country", "Per land", "Par pays"),
    # approval of a quarter's figures
    "approvals": ("Approval of the quarter", "Goedkeuring van het kwartaal",
                  "Approbation du trimestre"),
    "approval_status": ("Status", "Status", "Statut"),
    "approval_on": ("On", "Op", "Le"),
    "awaiting_approval": ("Awaiting your approval", "Wacht op jouw goedkeuring",
                          "En attente de votre approbation"),
    "status_open": ("Not submitted", "Niet ingediend", "Non soumis"),
    "status_submitted": ("Submitted", "Ingediend", "Soumis"),
    "status_approved": ("Approved", "Goedgekeurd", "Approuvé"),
    "approve": ("Approve", "Goedkeuren", "Approuver"),
    "reopen": ("Reopen", "Heropenen", "Rouvrir"),
    "adjustments": ("Adjustments after approval", "Aanpassingen na goedkeuring",
                    "Ajustements après approbation"),
    "adjustments_text": ("Events that arrived after the approval; the approved figure stands.",
                         "Gebeurtenissen die na de goedkeuring binnenkwamen; het goedgekeurde "
                         "cijfer blijft staan.",
                         "Événements arrivés après l'approbation ; le chiffre approuvé reste."),
    "approved_value": ("Approved", "Goedgekeurd", "Approuvé"),
    "current_value": ("Current", "Huidig", "Actuel"),
    "difference": ("Difference", "Verschil", "Différence"),
    "trends": ("Trends (network, quarter ends)", "Verloop (netwerk, per kwartaal)",
               "Évolution (réseau, fin de trimestre)"),
    "live": ("Live: updates as the hub publishes figures.",
             "Live: ververst zodra de hub cijfers publiceert.",
             "En direct : mis à jour dès que le hub publie des chiffres."),
    "partner": ("Partner", "Partner", "Partenaire"),
    "country": ("Country", "Land", "Pays"),
    "indicator": ("Indicator", "Indicator", "Indicateur"),
    "after_coaching": ("Childcare after coaching", "Opvang na de begeleiding",
                       "Accueil après l'accompagnement"),
    # values
    "morning": ("Morning", "Voormiddag", "Matin"),
    "afternoon": ("Afternoon", "Namiddag", "Après-midi"),
    "referred": ("referred", "aangemeld", "orienté"),
    "enrolled": ("enrolled", "opgenomen", "inscrit"),
    "declined": ("declined", "afgewezen", "refusé"),
    "erased": ("erased", "gewist", "effacé"),
    "booked": ("booked", "geboekt", "réservé"),
    "waitlisted": ("on the waitlist", "op de wachtlijst", "en liste d'attente"),
    "cancelled": ("cancelled", "geannuleerd", "annulé"),
    "checked_in": ("checked in", "ingecheckt", "arrivé"),
    "attended": ("attended", "aanwezig geweest", "venu"),
    "released": ("released", "vrijgegeven", "libéré"),
    "ongoing": ("ongoing", "lopend", "en cours"),
    "completed": ("completed", "afgerond", "terminé"),
    "dropped": ("stopped", "stopgezet", "arrêté"),
    "female": ("female", "vrouw", "femme"),
    "male": ("male", "man", "homme"),
    "childcare": ("childcare", "kinderopvang", "accueil de l'enfant"),
    "trajectory": ("trajectory", "traject", "parcours"),
    "cross_border_statistics": ("cross-border statistics", "grensoverschrijdende statistiek",
                                "statistiques transfrontalières"),
    "regular_childcare": ("regular childcare", "reguliere kinderopvang", "crèche ordinaire"),
    "preschool": ("preschool class", "kleuterklas", "classe maternelle"),
    "occasional": ("occasional", "occasioneel", "occasionnel"),
    "flexible": ("flexible", "flexibel", "flexible"),
    "unknown": ("unknown", "onbekend", "inconnu"),
    "work": ("work", "werk", "emploi"),
    "training": ("training", "opleiding", "formation"),
    "housing": ("housing", "huisvesting", "logement"),
    "finances": ("finances", "financiën", "finances"),
    "vocational": ("vocational training", "beroepsopleiding", "formation professionnelle"),
    "soft_skills": ("soft skills", "sociale vaardigheden", "savoir-être"),
    "regular": ("regular job", "reguliere job", "emploi ordinaire"),
    "social_economy": ("social economy", "sociale economie", "économie sociale"),
    "temporary": ("temporary job", "tijdelijke job", "emploi temporaire"),
    "job": ("a job", "een job", "un emploi"),
    "lost_contact": ("lost contact", "contact verloren", "contact perdu"),
    "moved_away": ("moved away", "verhuisd", "a déménagé"),
    "health": ("health", "gezondheid", "santé"),
    "family_choice": ("the family's choice", "keuze van het gezin", "choix de la famille"),
    "to-date": ("to date", "tot nu", "à ce jour"),
    # key indicators (the rest keep their English labels)
    "families_referred": ("Families referred", "Gezinnen aangemeld", "Familles orientées"),
    "families_with_childcare": ("Families with childcare", "Gezinnen met opvang",
                                "Familles avec accueil"),
    "trajectories_started": ("Trajectories started", "Trajecten gestart",
                             "Parcours commencés"),
    "parents_reduced_distance_to_work": (
        "Parents closer to work", "Ouders dichter bij werk",
        "Parents plus proches de l'emploi"),
    "parents_found_work": ("Parents who found work", "Ouders met werk gevonden",
                           "Parents ayant trouvé un emploi"),
    "children_cared_for": ("Children cared for", "Kinderen opgevangen", "Enfants accueillis"),
}


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
    rows = {i.name: (i.label, *TRANSLATED_LABELS.get(i.name, (i.label, i.label)))
            for i in INDICATORS}
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
