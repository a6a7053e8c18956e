"""Décisions de justice françaises : en-tête (juridiction, RG, date), parties avec leur date et
lieu de naissance et leur adresse, avocats, magistrats et greffier, exposé du litige, motifs,
dispositif.

Labels: PERSON (jamais le titre : Monsieur, Madame, Maître), DATE_TIME (year `may_keep`),
STREET_ADDRESS, LOCATION (lieu de naissance, ville seule), ID (RG, n° de parquet, immatriculation),
PHONE_NUMBER, EMAIL_ADDRESS. Sociétés : ORGANIZATION (ni exigées ni comptées comme mots).
"""

from __future__ import annotations

import random

from . import _dates
from ._build import Text, fakers, fill, phone, record

LANGUAGE = "fr"

_ENTETES = (
    "TRIBUNAL JUDICIAIRE DE {VILLE_MAJ}\n\nN° RG {RG}\n\nJUGEMENT DU {DATE}\n\nDEMANDEUR :\n"
    "Monsieur {NOM:a}, né le {DATE} à {VILLE}, demeurant {ADRESSE}\nreprésenté par Maître {NOM:c}, "
    "avocat au barreau de {VILLE}\n\nDEFENDEUR :\n{SOCIETE}, prise en la personne de son représentant "
    "légal\n",
    "COUR D'APPEL DE {VILLE_MAJ}\n{CHAMBRE} chambre civile\nARRÊT DU {DATE}\nRG {RG}\n\nAPPELANTE :\n"
    "Madame {NOM:a} épouse {NOM_FAM}, née le {DATE} à {VILLE}\n{ADRESSE}\nreprésentée par Me {NOM:c}\n\n"
    "INTIMÉ :\nMonsieur {NOM:b}\n{ADRESSE}\n",
    "CONSEIL DE PRUD'HOMMES DE {VILLE_MAJ}\nSection commerce\nAudience du {DATE}\n\n"
    "Madame {NOM:a}\ncontre\n{SOCIETE}\n\nComposition : {NOM}, président ; {NOM}, conseiller ; "
    "{NOM}, greffier.\n",
)
_PARAGRAPHES = (
    "Par acte du {DATE}, Monsieur {NOM_FAM:b} a fait assigner {SOCIETE} devant le présent tribunal.",
    "Madame {NOM_FAM:a} expose qu'elle a été embauchée le {DATE} en qualité de vendeuse.",
    "Le témoin, {NOM}, déclare avoir vu le véhicule immatriculé {IMMAT} quitter les lieux vers 22 heures.",
    "Il résulte des pièces versées aux débats que la somme de {MONTANT} euros a été versée le {DATE}.",
    "Maître {NOM_FAM:c} soutient, pour le compte de sa cliente, que la prescription n'est pas acquise.",
    "Le courriel adressé depuis {EMAIL} le {DATE} ne saurait valoir mise en demeure.",
    "L'expert, le docteur {NOM}, a déposé son rapport le {DATE}.",
    "Monsieur {NOM_FAM:b} était joignable au {TEL} selon l'attestation produite.",
    "Les époux se sont mariés le {DATE} à {VILLE} et se sont séparés en {ANNEE}.",
    "Le bien litigieux est situé {ADRESSE}.",
    "PAR CES MOTIFS, le tribunal, statuant publiquement, par jugement contradictoire et en premier ressort, "
    "déboute Monsieur {NOM_FAM:b} de l'ensemble de ses demandes.",
    "Condamne {SOCIETE} aux dépens, dont distraction au profit de Maître {NOM_FAM:c}.",
    "Il n'apparaît pas inéquitable de laisser à chaque partie la charge de ses frais irrépétibles.",
    "Le tribunal rappelle que la charge de la preuve incombe au demandeur.",
)


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"fr_court/{seed}")
    fake = fakers(["fr_FR", "fr_CH", "fr_CA"], seed, salt=8)
    fr = fake["fr_FR"]
    people: dict[str, tuple[str, str]] = {}

    def who(key) -> tuple[str, str]:
        if key is not None and key in people:
            return people[key]
        f = fake[rng.choice(("fr_FR", "fr_FR", "fr_FR", "fr_CH", "fr_CA"))]
        found = (f.first_name(), f.last_name())
        if key is not None:
            people[key] = found
        return found

    def date(key):
        text, year = _dates.french(rng)
        return ("DATE_TIME", text, year)

    def nom(key) -> tuple[str, str]:
        first, last = who(key)
        return "PERSON", rng.choice((f"{first} {last}", f"{last.upper()} {first}", f"{first} {last.upper()}"))

    slots = {
        "VILLE": lambda key: ("LOCATION", fr.city()),
        "VILLE_MAJ": lambda key: ("LOCATION", fr.city().upper()),
        "RG": lambda key: ("ID", f"{rng.randint(15, 24)}/{rng.randint(1, 9999):05d}"),
        "DATE": date,
        "ANNEE": lambda key: ("DATE_TIME", str(rng.randint(1995, 2022)), (0, 4)),
        "NOM": nom,
        "NOM_FAM": lambda key: ("PERSON", who(key)[1]),
        "ADRESSE": lambda key: ("STREET_ADDRESS", fr.address().replace("\n", " ")),
        "SOCIETE": lambda key: ("ORGANIZATION", fr.company()),
        "CHAMBRE": lambda key: (None, rng.choice(("1ère", "2ème", "3ème"))),
        "IMMAT": lambda key: ("ID", fr.license_plate()),
        "MONTANT": lambda key: (
            None,
            f"{rng.randint(1, 90)} {rng.randint(0, 999):03d},{rng.randint(0, 99):02d}",
        ),
        "EMAIL": lambda key: ("EMAIL_ADDRESS", fr.email()),
        "TEL": lambda key: ("PHONE_NUMBER", phone(rng, "FR")),
    }
    records = []
    for index in range(n):
        people.clear()
        built = Text()
        if rng.random() < 0.5:
            fill(built, rng.choice(_ENTETES), slots)
            built.add("\n")
        for offset, paragraph in enumerate(rng.sample(_PARAGRAPHES, rng.randint(2, 4))):
            if offset:
                built.add("\n\n")
            fill(built, paragraph, slots)
        records.append(record(f"FRJ-{index + 1:05d}", built, LANGUAGE))
    return records
