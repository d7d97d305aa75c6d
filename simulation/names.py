"""Invented names, phone numbers and referral sources that fit each partner's language."""

from __future__ import annotations

from contracts.intake import ReferralSource

NAMES = {
    "nl": (["Emma", "Noor", "Fatima", "Lotte", "Sara", "Yasmina", "Els", "Ines", "Layla", "Anouk",
            "Mohamed", "Jan", "Youssef", "Pieter", "Ahmed", "Tom", "Bram", "Karim"],
           ["Peeters", "Janssens", "Maes", "El Amrani", "Claes", "Wouters", "De Smet", "Yilmaz",
            "Van den Broeck", "Bakker", "De Vries", "Mertens", "Benali", "Jacobs", "Visser"],
           ["Lina", "Finn", "Mila", "Adam", "Zoë", "Amir", "Lou", "Nora", "Jules", "Sem"]),
    "fr": (["Camille", "Fatou", "Léa", "Amina", "Manon", "Chloé", "Nadia", "Sophie", "Inès",
            "Karim", "Julien", "Mehdi", "Thomas", "Samir", "Nicolas", "Yacine"],
           ["Martin", "Bernard", "Dubois", "Lefebvre", "Benali", "Leroy", "Moreau", "Diallo",
            "Lambert", "Fournier", "Haddad", "Dupont", "Garnier", "Mercier"],
           ["Louise", "Gabriel", "Jade", "Raphaël", "Alice", "Adam", "Lina", "Hugo", "Rose"]),
    "en": (["Olivia", "Amelia", "Sophie", "Aisha", "Chloe", "Grace", "Hannah", "Zara", "Megan",
            "James", "Mohammed", "Daniel", "Ryan", "Liam", "Oliver", "Kwame"],
           ["Smith", "Jones", "Taylor", "Brown", "Williams", "Khan", "Evans", "Wilson", "Ahmed",
            "Thomas", "Roberts", "Walker", "Okafor", "Hughes"],
           ["Isla", "Noah", "Ava", "Leo", "Freya", "Arlo", "Maya", "Theo", "Ivy", "Oscar"]),
}
"""language -> (parents' given names, surnames, children's first names)."""

PHONES = {"nl": "+32 4{:02d} {:02d} {:02d} {:02d}", "fr": "+33 6 {:02d} {:02d} {:02d} {:02d}",
          "en": "+44 7700 9{:02d}{:02d}{:02d}{:02d}"}
"""language -> a phone number pattern filled with four random two-digit numbers."""

REFERRAL_SOURCES = [(ReferralSource.PUBLIC_EMPLOYMENT_SERVICE, 40),
                    (ReferralSource.SOCIAL_SERVICES, 30),
                    (ReferralSource.CHILD_AND_FAMILY_AGENCY, 20), (ReferralSource.SELF, 6),
                    (ReferralSource.OTHER, 4)]
"""Who refers families, and how often (weights)."""
