"""Transmissions infirmières et notes de réanimation en français, en abrégé : majuscules ou
minuscules, abréviations (PAC, ATCD, RAD, J3, IDE, SAU), constantes pleines de chiffres, médecins
nommés par leur nom après Dr ou l'interne, bips, transferts depuis un autre hôpital, villes,
dates (12/03, 3/01/97, le 1er mars), âges.

Labels as in clinical_icu: PERSON, DATE_TIME (year `may_keep`), AGE_OVER_89, PHONE_NUMBER (bips
included), LOCATION (ville, code postal, nom propre d'un hôpital ou d'un EHPAD), STREET_ADDRESS,
ID (IPP, n° de séjour, n° de sécurité sociale is FR_NIR), EMAIL_ADDRESS.
"""

from __future__ import annotations

import random

from stdnum.fr import nir as stdnum_nir

from . import _dates
from ._build import Text, fakers, fill, phone, recased, record

LANGUAGE = "fr"

_SURVEILLANCE = (
    "HEMODYNAMIQUE : PA 115/70, FC 88 EN RS, PAS DE NORAD DEPUIS 4H.",
    "RESPI : SAO2 96% SOUS 3L O2, FR 22, ENCOMBRE, ASPIRATIONS X3.",
    "NEURO : GCS 15, ORIENTEE, PAS DE DEFICIT.",
    "DIURESE : 1200 ML/24H, SONDE URINAIRE EN PLACE J4.",
    "DOULEUR : EVA 3/10 APRES PARACETAMOL 1 G IV.",
    "BIO : HB 9,2, PLQ 180 000, CRP 45 EN BAISSE, K+ 3,9.",
    "ALIMENTATION : REPRISE PER OS, MANGE LA MOITIE DU PLATEAU.",
    "PEAU : ESCARRE TALON G STADE 2, PANSEMENT REFAIT.",
    "KT : VVP AVANT-BRAS D J2, PERMEABLE, PAS DE SIGNE INFLAMMATOIRE.",
    "TEMPERATURE : 38,4 A 2H, HEMOCS X2 PRELEVEES.",
    "GLYCEMIES : 1,45 - 2,10 G/L, PROTOCOLE INSULINE SC.",
    "MOBILISATION : LEVER FAUTEUIL 2H, BONNE TOLERANCE.",
)
_LIGNES = (
    "PATIENTE DE {AGE90} ANS ADMISE LE {DATE} POUR PNEUMOPATHIE.",
    "PATIENT DE {AGE} ANS, ATCD : IDM EN {DATE}, PAC EN {DATE}.",
    "TRANSFERT DU CH DE {VILLE} LE {DATE} POUR PRISE EN CHARGE.",
    "DR {DR} PREVENU(E), PASSE VOIR LA PATIENTE, BIP {BIP}.",
    "INTERNE (DR {DR}) APPELE POUR HYPOTENSION, REMPLISSAGE 500 ML.",
    "RDV DE CONTROLE LE {DATE} AVEC LE DR {DR}.",
    "SA FILLE {PRENOM} A APPELE, JOIGNABLE AU {TEL}.",
    "PERSONNE DE CONFIANCE : {NOM} ({TEL}).",
    "VIT A {VILLE} AVEC SON EPOUSE, AUTONOME JUSQU'AU {DATE}.",
    "VIENT DE L'EHPAD {EHPAD} A {VILLE} ({CP}).",
    "IPP {IPP}, N° DE SEJOUR {SEJOUR}.",
    "RETOUR A DOMICILE PREVU AU {ADRESSE}, {CP} {VILLE}.",
    "N° SECU {NIR} VERIFIE PAR LE BUREAU DES ENTREES.",
    "AVIS CARDIO (DR {DR}) : ARRET DES BETABLOQUANTS.",
    "PATIENT AGE DE {AGE90} ANS, GIR 2, FAMILLE ({PRENOM} ET {PRENOM}) PRESENTE.",
    "NE(E) LE {DATE}. DERNIERE HOSPITALISATION LE {DATE} A L'HOPITAL {HOPITAL}.",
    "MAIL DU FILS ({NOM}) : {EMAIL}.",
    "DOSSIER DE L'HOPITAL {HOPITAL} FAXE AU {TEL}, VU AVEC DR {DR}.",
    "CHUTE A DOMICILE A {VILLE} LE {DATE}, RELEVEE PAR LES POMPIERS.",
    "IDE DE NUIT : {PRENOM}. RELEVE FAITE A L'IDE DE JOUR ({PRENOM}).",
)
_ENTETES = ("TRANSMISSIONS IDE NUIT", "REA MED - NOTE IDE", "USC - TRANSMISSIONS", "SAU", "OBSERVATION IDE")


def _nir(rng: random.Random) -> str:
    born = f"{rng.choice('12')}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}"
    body = f"{born}{rng.randint(1, 95):02d}{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}"
    key = stdnum_nir.calc_check_digits(body)
    return rng.choice(
        (f"{body}{key}", f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key}")
    )


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"fr_clinical/{seed}")
    fake = fakers(["fr_FR", "fr_FR", "fr_CH", "fr_CA"], seed, salt=7)
    fr = fake["fr_FR"]

    def date(key):
        text, year = _dates.french(rng, clinical_style=True)
        return ("DATE_TIME", text, year)

    def digits(k: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(k))

    slots = {
        "DR": lambda key: ("PERSON", fr.last_name()),
        "NOM": lambda key: ("PERSON", f"{fr.first_name()} {fr.last_name()}"),
        "PRENOM": lambda key: ("PERSON", fr.first_name()),
        "DATE": date,
        "AGE90": lambda key: ("AGE_OVER_89", str(rng.randint(90, 103))),
        "AGE": lambda key: (None, str(rng.randint(20, 89))),
        "BIP": lambda key: ("PHONE_NUMBER", digits(rng.choice((4, 5)))),
        "TEL": lambda key: ("PHONE_NUMBER", phone(rng, "FR")),
        "VILLE": lambda key: ("LOCATION", fr.city()),
        "CP": lambda key: ("LOCATION", fr.postcode()),
        "EHPAD": lambda key: ("LOCATION", rng.choice(("LES ", "LE ", "")) + fr.last_name()),
        "HOPITAL": lambda key: ("LOCATION", rng.choice(("SAINT-", "")) + fr.last_name()),
        "ADRESSE": lambda key: ("STREET_ADDRESS", fr.street_address()),
        "IPP": lambda key: ("ID", digits(rng.choice((8, 10)))),
        "SEJOUR": lambda key: ("ID", digits(9)),
        "NIR": lambda key: ("FR_NIR", _nir(rng)),
        "EMAIL": lambda key: ("EMAIL_ADDRESS", fr.free_email()),
    }
    records = []
    for index in range(n):
        built = Text()
        built.add(rng.choice(_ENTETES) + "\n")
        lines = rng.sample(_SURVEILLANCE, rng.randint(1, 4)) + rng.sample(_LIGNES, rng.randint(1, 3))
        rng.shuffle(lines)
        for number, line in enumerate(lines):
            if number:
                built.add("\n")
            fill(built, line, slots)
        casing = rng.choices(("upper", "lower"), weights=(60, 40))[0]
        rec = record(f"FRC-{index + 1:05d}", built, LANGUAGE, casing=casing)
        rec = recased(rec, str.upper if casing == "upper" else str.lower)
        records.append(rec)
    return records
