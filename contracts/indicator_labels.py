"""The indicators' labels in Dutch and French, keyed by indicator name (English: indicators.py).

A test fails when an indicator of `contracts.indicators.INDICATORS` has no row here, so a
new indicator comes with its translations. The web apps show these labels (services.web.i18n).
"""

from __future__ import annotations

# indicator name: (Dutch, French)
TRANSLATED_LABELS: dict[str, tuple[str, str]] = {
    "families_referred": ("Gezinnen aangemeld", "Familles orientées"),
    "referrals_declined": ("Aanmeldingen afgewezen", "Orientations refusées"),
    "families_enrolled": ("Gezinnen opgenomen", "Familles inscrites"),
    "families_not_shared": ("Gezinnen niet gedeeld (geen toestemming voor statistiek)",
                            "Familles non partagées (sans consentement aux statistiques)"),
    "families_waiting": ("Gezinnen op de wachtlijst (op einddatum)",
                         "Familles en liste d'attente (à la fin)"),
    "median_days_waiting": ("Mediaan dagen op de wachtlijst", "Jours médians en liste d'attente"),
    "trajectories_started": ("Ouders opgenomen in een traject", "Parents entrés dans un parcours"),
    "development_plans_agreed": ("Ontwikkelingsplannen afgesproken",
                                 "Plans de développement convenus"),
    "trajectories_completed": ("Trajecten afgerond", "Parcours terminés"),
    "trajectories_dropped": ("Trajecten stopgezet", "Parcours arrêtés"),
    "trajectories_ongoing": ("Lopende trajecten (op einddatum)", "Parcours en cours (à la fin)"),
    "parents_trained": ("Ouders die een opleiding startten",
                        "Parents ayant commencé une formation"),
    "trainings_completed": ("Opleidingen afgerond", "Formations terminées"),
    "parents_found_work": ("Ouders met werk gevonden", "Parents ayant trouvé un emploi"),
    "parents_working": ("Ouders aan het werk (op einddatum)", "Parents en emploi (à la fin)"),
    "parents_reduced_distance_to_work": ("Ouders dichter bij werk",
                                         "Parents plus proches de l'emploi"),
    "parent_involvement_days": ("Ouderbetrokkenheidsdagen bijgewoond",
                                "Journées d'implication des parents suivies"),
    "families_with_childcare": ("Gezinnen met toegang tot opvang",
                                "Familles ayant accès à l'accueil"),
    "children_cared_for": ("Kinderen opgevangen", "Enfants accueillis"),
    "childcare_sessions": ("Opvangmomenten bijgewoond", "Séances d'accueil suivies"),
    "childcare_hours": ("Opvanguren", "Heures d'accueil"),
    "no_shows": ("Niet gekomen", "Absences"),
    "no_show_rate": ("Aandeel niet gekomen", "Taux d'absence"),
    "late_cancellations": ("Late annuleringen", "Annulations tardives"),
    "occupancy_morning": ("Bezetting, voormiddagen", "Occupation, matins"),
    "occupancy_afternoon": ("Bezetting, namiddagen", "Occupation, après-midi"),
    "waitlist_length": ("Op de wachtlijst (op einddatum)", "En liste d'attente (à la fin)"),
    "children_handed_over_regular": ("Kinderen overgedragen aan reguliere opvang",
                                     "Enfants passés à l'accueil ordinaire"),
    "children_handed_over_preschool": ("Kinderen overgedragen aan de kleuterklas",
                                       "Enfants passés en classe maternelle"),
    "places_after_trajectory_end": ("Plaatsen na het einde van het traject",
                                    "Places après la fin du parcours"),
    "families_bridging": ("Gezinnen in overbrugging (op einddatum)",
                          "Familles en transition (à la fin)"),
    "median_days_to_handover": ("Mediaan dagen van trajecteinde tot overdracht",
                                "Jours médians de la fin du parcours à la transition"),
}

# what an indicator counts (Indicator.unit), for chart axes: (Dutch, French)
TRANSLATED_UNITS: dict[str, tuple[str, str]] = {
    "families": ("gezinnen", "familles"),
    "parents": ("ouders", "parents"),
    "trajectories": ("trajecten", "parcours"),
    "trainings": ("opleidingen", "formations"),
    "attendances": ("aanwezigheden", "présences"),
    "children": ("kinderen", "enfants"),
    "sessions": ("opvangmomenten", "séances"),
    "hours": ("uren", "heures"),
    "bookings": ("boekingen", "réservations"),
    "entries": ("inschrijvingen", "inscriptions"),
    "places": ("plaatsen", "places"),
    "days": ("dagen", "jours"),
    "ratio": ("verhouding", "ratio"),
    "value": ("waarde", "valeur"),
}
