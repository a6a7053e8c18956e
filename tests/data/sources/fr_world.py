"""Noms, adresses et téléphones de France, de Belgique, de Suisse et du Canada dans des phrases
françaises : annonces, courriers, petites annonces, cartes de visite, blocs d'adresse sur
plusieurs lignes avec le pays, numéros au format de chaque pays.

Labels: PERSON, STREET_ADDRESS (the whole postal address but the country), LOCATION (a town
named alone), PHONE_NUMBER, EMAIL_ADDRESS. Belgian addresses are built from fr_FR street names,
a number after the street, a 4-digit postcode and a Walloon or Brussels commune (Faker has none).
"""

from __future__ import annotations

import random

from . import _world
from ._build import Text, fakers, fill, phone, recased, record

LANGUAGE = "fr"

_BE_COMMUNES = ("Liège", "Namur", "Charleroi", "Mons", "Tournai", "Wavre", "Arlon", "Nivelles", "Huy",
                "Verviers", "Dinant", "Bastogne", "Waterloo", "Ixelles", "Uccle", "Schaerbeek", "Ottignies",
                "Braine-l'Alleud", "Gembloux", "Spa")  # fmt: skip

_PHRASES = (
    "{P} et {P} ont le plaisir de vous annoncer la naissance de leur fille.",
    "Le cabinet déménage : à partir de lundi, retrouvez-nous au {LIGNE}.",
    "Vends vélo de ville, très bon état, 120 €. Contacter {F} au {TEL}.",
    "Nous avons passé une semaine à {VILLE} puis deux jours à {VILLE}.",
    "Courrier à adresser à {P}, {LIGNE}, {PAYS}.",
    "{P}, responsable des achats, est joignable au {TEL} ou par courriel : {EMAIL}.",
    "Perdu chat tigré près de la gare, récompense. Appeler {F} : {TEL}.",
    "{P}\n{BLOC}\n{PAYS}",
    "Expéditeur :\n{P}\n{BLOC}\n{PAYS_MAJ}\nTél. {TEL}",
    "Destinataire\n{P}\n{BLOC}\n{PAYS}\n\nMerci de ne pas plier.",
    "La réunion aura lieu au {LIGNE}, salle du deuxième étage.",
    "Remerciements à {P}, {P} et {P} pour leur relecture attentive.",
    "Mon voisin, {P}, garde les clés pendant les vacances.",
    "Le gîte se trouve {LIGNE} ; la propriétaire, {P}, vous accueille à partir de 16 h.",
    "{F} a récupéré le colis chez {P}.",
    "Carte de visite : {P} — conseiller — {TEL} — {EMAIL}",
)


def _belgian(fake, rng: random.Random) -> tuple[str, str]:
    street = fake.street_name()
    return (
        f"{street[0].upper()}{street[1:]} {rng.randint(1, 240)}",
        f"{rng.randint(1000, 7999)} {rng.choice(_BE_COMMUNES)}",
    )


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"fr_world/{seed}")
    codes = [loc.code for loc in _world.FRENCH_LOCALES]
    fake_by_locale = fakers(codes, seed, salt=9)
    records = []
    for index in range(n):
        home = rng.choice(_world.FRENCH_LOCALES)
        fake = fake_by_locale[home.code]
        streets = fake_by_locale["fr_FR"]

        def lines() -> list[str]:
            if home.code == "fr_BE":
                return list(_belgian(streets, rng))
            return [line.strip() for line in fake.address().split("\n") if line.strip()]

        def city() -> str:
            return rng.choice(_BE_COMMUNES) if home.code == "fr_BE" else fake.city()

        slots = {
            "P": lambda key: ("PERSON", f"{fake.first_name()} {fake.last_name()}"),
            "F": lambda key: ("PERSON", fake.first_name()),
            "TEL": lambda key: ("PHONE_NUMBER", phone(rng, home.region)),
            "EMAIL": lambda key: ("EMAIL_ADDRESS", fake.email()),
            "VILLE": lambda key: ("LOCATION", city()),
            "LIGNE": lambda key: ("STREET_ADDRESS", ", ".join(lines())),
            "BLOC": lambda key: ("STREET_ADDRESS", "\n".join(lines())),
            "PAYS": lambda key: (None, home.country_fr),
            "PAYS_MAJ": lambda key: (None, home.country_fr.upper()),
        }
        built = fill(Text(), rng.choice(_PHRASES), slots)
        rec = record(f"FRW-{index + 1:05d}", built, LANGUAGE, locale=home.code)
        if rng.random() < 0.1:
            rec = recased(rec, str.lower)
        records.append(rec)
    return records
