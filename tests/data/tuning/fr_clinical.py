"""Labelled French clinical notes for tuning: transmissions infirmières and réanimation notes.

The style the main generator lacks for French: notes written fast, in mixed or upper case, full of
abbreviations (`IDE`, `AS`, `IADE`, `CDS`, `TTT`, `RAS`, `PAS`, `FC`, `SpO2`), with clinicians and
family named after a role or a title (`vu par Dr MARTIN`, `interne Julie`, `appel de la fille Mme
DUBOIS`, `Mme LEROY née FAURE`) and phones in hospital forms (`bip 4521`, `poste 3312`, `DECT 6543`,
`tél. 06 12 34 56 78`, `joignable au 01.45.67.89.12`, `n° de la fille : ...`). Every note also
carries words that are not PII and must stay: drugs, constants, units, scores, ward names.

Names come from Faker fr_FR, fr_BE, fr_CH and fr_CA; Belgian, Swiss and Canadian phones are
written here in their national forms (Faker's fr_BE and fr_CA give US numbers). Each record is
`{"id", "text", "language": "fr", "style", "spans": [{"start", "end", "type"}]}` (PERSON,
PHONE_NUMBER), the labelled format of `redaction.evaluate`. The templates are written here, apart
from tests/data/generators.py. This is tuning data: the French clinical rules were tuned on it,
so figures on it are not held-out figures.
"""

from __future__ import annotations

import random
import re

from faker import Faker

LOCALES = ("fr_FR", "fr_FR", "fr_BE", "fr_CH", "fr_CA")
STYLES = ("transmissions", "reanimation", "majuscules")

# Lines with no PII: what the rules must leave alone.
FILLER = (
    "Hémodynamique stable sous Noradrénaline {d} µg/kg/min.",
    "PAS {pas} mmHg, PAD {pad} mmHg, FC {fc}/min, SpO2 {sat}% sous {o2} L/min.",
    "Constantes : TA {pas}/{pad}, FC {fc}, T° 37,{t}, EVA {eva}/10.",
    "RAS sur le plan neurologique, GCS 15, pupilles symétriques réactives.",
    "Sédation : Propofol {mg} mg/h + Sufentanil {ug} µg/h, RASS -{rass}.",
    "Diurèse {diu} mL/h, bilan entrées/sorties +{bil} mL.",
    "TTT habituel repris sauf Kardégic et Lovenox.",
    "Doliprane 1 g IVL à {h}h pour EVA à {eva}.",
    "Bilan bio : Hb {hb} g/dL, K+ {k} mmol/L, CRP {crp} mg/L, lactates {lac} mmol/L.",
    "Pansement KTC propre, pas de signe inflammatoire.",
    "Alimentation entérale par SNG, {ml} mL/h, bonne tolérance.",
    "Lever au fauteuil avec aide de l'AS, bonne tolérance.",
    "Patient algique, Morphine {mg} mg SC faite, réévaluation à {h}h.",
    "Augmentin 1 g x3/j IVL, J{j} d'antibiothérapie.",
    "Glycémie capillaire {gly} g/L, Insuline rapide {ui} UI selon protocole.",
    "Gaz du sang : pH 7,{ph}, PaO2 {pao2} mmHg, PaCO2 {paco2} mmHg.",
    "Transfert prévu en Cardiologie dès que place disponible.",
    "Retour de SSPI à {h}h, surveillance post-op habituelle.",
    "Patiente calme et coopérante, nuit correcte.",
    "Selles {n} fois, aspect normal. Pas de nausées.",
    "Escarre talon droit stade 2, soins locaux faits.",
    "Extubé ce jour, relais VNI {n} séances.",
    "Lasilix {mg} mg IVD, diurèse en cours.",
    "Héparine IVSE {ui} UI/h, anti-Xa à contrôler.",
    "Mise en place Optiflow {o2} L/min, FiO2 {fio2}%.",
    "Radio de thorax faite au lit, pas de pneumothorax.",
    "ECG : RSR, pas de trouble de repolarisation.",
    "Prise de sang faite à {h}h, tubes partis au labo.",
    "USC : pas de place ce soir, reste en Réanimation Médicale.",
    "Bilan sanguin à jeun demain matin, prévenir le labo.",
)

# Lines with names and phones: {NOM} upper-case surname, {Nom} capitalized surname, {Prenom}
# a first name, {TEL} a national phone, {POSTE} a 4-digit internal extension. The honorific or
# role stays, only the value is a span.
PII_LINES = (
    "Vu par Dr {NOM}, poursuite du TTT.",
    "Vu par le Dr {Nom} à {h}h, pas de modification.",
    "Appel de la fille Mme {NOM} à {h}h, nouvelles données.",
    "Famille prévenue : fils M. {Prenom} {NOM}, joignable au {TEL}.",
    "Interne de garde Dr {NOM} prévenu pour hypotension, remplissage 500 mL NaCl 0,9%.",
    "Transmission AS {Prenom} : toilette au lit faite, change x2.",
    "Pr {NOM} passé en visite, avis favorable. Bip {POSTE}.",
    "Mme {NOM} née {NOM2}, {age} ans, entrée en réa pour choc septique.",
    "Contacter l'IADE {Prenom} au poste {POSTE} avant la descente au bloc.",
    "CDS {Prenom} {NOM} informée, DECT {POSTE}.",
    "Externe {Prenom} {Nom} a fait le GDS artériel.",
    "N° de la fille : {TEL}",
    "Médecin traitant : Dr {Prenom} {NOM}, tél. {TEL}.",
    "Kiné {Prenom} passé ce matin, désencombrement efficace.",
    "Personne de confiance : {Prenom} {NOM} (épouse), {TEL}.",
    "IDE {Prenom} : pansement refait, RAS.",
    "Interne {Prenom} appelé(e) à {h}h pour désaturation.",
    "Appel de M. {NOM} (fils), rappeler au {TEL}.",
    "Avis cardio demandé, Dr {NOM} bip {POSTE}.",
    "Mr {Nom} {Prenom}, {age} ans, hospitalisé pour pneumopathie.",
    "Fille Mme {Nom} présente à {h}h, informée par l'interne.",
    "Épouse Mme {Prenom} {NOM} joignable au {TEL}, à prévenir si aggravation.",
    "Dr {Nom} (anesthésiste) joignable au poste {POSTE}.",
    "Réanimateur de garde : Dr {NOM}, DECT {POSTE}.",
    "Mme {NOM} {Prenom} a signé la personne de confiance.",
    "Appel du Dr {NOM} de Pneumologie, rappeler sur le {POSTE}.",
    "Sœur de la patiente, Mme {Nom}, a appelé, tél. {TEL}.",
    "Staff avec Pr {Nom} et Dr {Nom2} : poursuite des soins.",
    "IDE de nuit {Prenom} {NOM}, relève faite à {h}h.",
    "Mme {Nom} épouse {Nom2}, fille de la patiente, prévenue par téléphone au {TEL}.",
)


# A second set of lines, written after the rules and never used to tune them (`generate(...,
# part="check")`): other drugs, wards, cues and phrasings, so the benchmark can say how much of the
# gain on the tuning lines carries over to phrasings the rules were not fitted to.
CHECK_FILLER = (
    "Tension artérielle {pas}/{pad}, pouls {fc}, saturation {sat}% en AA.",
    "Nicardipine IVSE {mg} mg/h, objectif PAS < 160.",
    "Sonde urinaire en place, urines claires, {diu} mL sur la nuit.",
    "Bilan hépatique perturbé, ASAT {crp} UI/L, ALAT {crp} UI/L.",
    "Kétamine {mg} mg IVD avant les soins, bonne analgésie.",
    "Patient désorienté la nuit, contention non nécessaire.",
    "Pose de VVP au pli du coude gauche, perméable.",
    "Oxygénothérapie aux lunettes {o2} L/min, eupnéique.",
    "Retour de scanner cérébral, pas de saignement.",
    "Dexaméthasone {mg} mg IV le matin, glycémies surveillées.",
    "Hospitalisé en Médecine Interne 2 puis en Neurologie.",
    "Tazocilline 4 g x4/j, CRP en baisse à {crp}.",
    "Kaliémie {k} mmol/L, supplémentation per os.",
    "Surveillance neuro horaire, score NIHSS {n}.",
    "Mobilisation précoce, marche dans le couloir avec le kiné.",
)
CHECK_LINES = (
    "Patient vu en visite par le Pr {NOM} et l'interne {Prenom}.",
    "Le Dr {Nom} demande un scanner, le rappeler au {POSTE}.",
    "Appelé la nièce, Mme {Prenom} {NOM}, au {TEL}.",
    "Docteur {NOM} (néphrologue) passé à {h}h, dialyse prévue.",
    "Mr {NOM} {Prenom}, {age} ans, admis via SAU.",
    "Transmis à l'IDE {Prenom} de l'après-midi.",
    "Infirmière {Prenom} {NOM} absente, remplacée.",
    "Contact famille : M. {Nom}, gendre, portable {TEL}.",
    "Madame {NOM} née {NOM2} sortie vers SSR.",
    "Bip de l'anesthésiste de garde : {POSTE}.",
    "Le fils, M. {Prenom} {Nom}, souhaite être rappelé au {TEL}.",
    "Avis chir demandé au Dr {NOM}, poste {POSTE}.",
)


def _ints(rng: random.Random) -> dict[str, object]:
    return {
        "d": f"0,{rng.randint(1, 9)}",
        "pas": rng.randint(80, 170),
        "pad": rng.randint(40, 95),
        "fc": rng.randint(50, 140),
        "sat": rng.randint(88, 100),
        "o2": rng.randint(1, 15),
        "t": rng.randint(0, 9),
        "eva": rng.randint(0, 9),
        "mg": rng.choice((2, 3, 5, 10, 20, 40, 80, 150)),
        "ug": rng.choice((5, 10, 15, 20)),
        "rass": rng.randint(1, 5),
        "diu": rng.randint(20, 200),
        "bil": rng.randint(100, 2500),
        "h": rng.randint(0, 23),
        "hb": f"{rng.randint(7, 15)},{rng.randint(0, 9)}",
        "k": f"{rng.randint(3, 5)},{rng.randint(0, 9)}",
        "crp": rng.randint(1, 300),
        "lac": f"{rng.randint(0, 6)},{rng.randint(0, 9)}",
        "ml": rng.choice((20, 40, 60, 80)),
        "j": rng.randint(1, 10),
        "gly": f"{rng.randint(0, 3)},{rng.randint(10, 99)}",
        "ui": rng.choice((2, 4, 6, 8, 500, 1000)),
        "ph": rng.randint(15, 45),
        "pao2": rng.randint(55, 140),
        "paco2": rng.randint(28, 70),
        "n": rng.randint(1, 4),
        "fio2": rng.choice((30, 40, 50, 60)),
        "age": rng.randint(18, 95),
    }


def _phone(rng: random.Random, locale: str, fake: Faker) -> str:
    """A phone number in the national written forms of the locale."""
    if locale == "fr_FR":
        digits = [f"0{rng.choice('1234567')}"] + [f"{rng.randint(0, 99):02d}" for _ in range(4)]
        sep = rng.choice((" ", ".", "", "-", " "))
        if rng.random() < 0.15:
            return "+33 " + digits[0][1] + " " + " ".join(digits[1:])
        return sep.join(digits)
    if locale == "fr_BE":
        if rng.random() < 0.5:
            a, b, c, d, e = rng.choice("6789"), rng.randint(0, 9), *(rng.randint(10, 99) for _ in range(3))
            return f"04{a}{b} {c} {d} {e}"
        a, b, c, d = (
            rng.choice(("2", "4", "9", "10", "65")),
            rng.randint(100, 999),
            rng.randint(10, 99),
            rng.randint(10, 99),
        )
        return f"0{a} {b} {c} {d}"
    if locale == "fr_CH":
        prefix = rng.choice(("076", "078", "079", "021", "022", "032"))
        number = f"{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        return f"+41 {prefix[1:]} {number}" if rng.random() < 0.3 else f"{prefix} {number}"
    area = rng.choice(("514", "438", "418", "450", "819", "581"))
    local = f"{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
    return rng.choice((f"{area} {local}", f"({area}) {local}", f"{area}-{local}"))


def _extension(rng: random.Random) -> str:
    return (
        str(rng.randint(1000, 9999))
        if rng.random() < 0.85
        else f"{rng.randint(10, 99)} {rng.randint(10, 99)}"
    )


_SLOT = re.compile(r"\{(\w+)\}")
_PII_SLOTS = {"NOM": "PERSON", "NOM2": "PERSON", "Nom": "PERSON", "Nom2": "PERSON", "Prenom": "PERSON"}


class _Note:
    def __init__(self) -> None:
        self.text = ""
        self.spans: list[dict] = []

    def add(self, value: str, entity: str | None = None) -> None:
        if entity:
            self.spans.append({"start": len(self.text), "end": len(self.text) + len(value), "type": entity})
        self.text += value


def _line(note: _Note, template: str, rng: random.Random, fakes: dict[str, Faker]) -> None:
    locale = rng.choice(LOCALES)
    fake = fakes[locale]
    values = _ints(rng)
    pos = 0
    for match in _SLOT.finditer(template):
        note.add(template[pos : match.start()])
        slot = match.group(1)
        if slot in ("NOM", "NOM2"):
            note.add(fake.last_name().upper(), "PERSON")
        elif slot in ("Nom", "Nom2"):
            note.add(fake.last_name(), "PERSON")
        elif slot == "Prenom":
            note.add(fake.first_name(), "PERSON")
        elif slot == "TEL":
            note.add(_phone(rng, locale, fake), "PHONE_NUMBER")
        elif slot == "POSTE":
            note.add(_extension(rng), "PHONE_NUMBER")
        else:
            note.add(str(values[slot]))
        pos = match.end()
    note.add(template[pos:])


def _header(rng: random.Random, style: str) -> str:
    if style == "reanimation":
        return rng.choice(
            (
                "Réanimation Médicale, lit {n}. ",
                "Note de réa J{n}. ",
                "Réa polyvalente, box {n} : ",
                "Évolution J{n} : ",
            )
        ).format(n=rng.randint(1, 14))
    return rng.choice(
        ("Transmissions de {h}h : ", "Nuit : ", "Matin : ", "Relève IDE {h}h. ", "Cible douleur : ")
    ).format(h=rng.choice((6, 7, 14, 19, 21)))


def generate(n: int, seed: int = 0, part: str = "tuning") -> list[dict]:
    """`n` labelled notes, styles in turn; same seed, same notes. `part` "tuning" (the lines the
    rules were tuned on) or "check" (CHECK_LINES and CHECK_FILLER, written after the rules)."""
    if part not in ("tuning", "check"):
        raise ValueError(f"part must be 'tuning' or 'check', not {part!r}")
    pii_lines, filler = (PII_LINES, FILLER) if part == "tuning" else (CHECK_LINES, CHECK_FILLER)
    rng = random.Random(seed)
    fakes = {}
    for index, locale in enumerate(dict.fromkeys(LOCALES)):
        fakes[locale] = Faker(locale)
        fakes[locale].seed_instance(seed * 10 + index)
    records = []
    for index in range(n):
        style = STYLES[index % len(STYLES)]
        note = _Note()
        note.add(_header(rng, style))
        lines = [rng.choice(pii_lines) for _ in range(rng.randint(1, 3))]
        lines += [rng.choice(filler) for _ in range(rng.randint(2, 4))]
        rng.shuffle(lines)
        for number, template in enumerate(lines):
            if number:
                note.add(rng.choice((" ", "\n", " / ")) if style != "reanimation" else "\n")
            _line(note, template, rng, fakes)
        text = note.text
        if style == "majuscules":
            upper = text.upper()
            if len(upper) == len(text):  # a name whose upper case changes length stays as written
                text = upper
        records.append(
            {
                "id": f"FRC-{part[0].upper()}{index + 1:05d}",
                "text": text,
                "language": "fr",
                "style": style,
                "spans": note.spans,
            }
        )
    return records
