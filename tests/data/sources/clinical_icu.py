"""ICU and nursing notes in the shorthand they are written in: ALL CAPS or all lower case,
abbreviations (PT, S/P, F/U, W/, PRN, MICU, HD#2), vitals and doses full of numbers, clinician
names as surnames after DR / w/dr, pagers, transfers from outside hospitals, towns, dates in
every shorthand (9/3/97, '92, 7/24, 3-JAN), ages.

Labels, one per HIPAA Safe Harbor kind the text carries: PERSON (patients, family, clinicians:
the name only, never the title), DATE_TIME (every date; its year, when written, is marked
`may_keep`, so a bare year is not scored), AGE_OVER_89 (an age over 89; younger ages are ordinary
words), PHONE_NUMBER (phones, pagers, faxes), LOCATION (below state level: town, county, zip
code, the proper name of a hospital or nursing home, not the word "hospital"), STREET_ADDRESS,
ID (medical record, account, health plan, device serial and licence plate numbers), EMAIL_ADDRESS,
US_SSN. Units (MICU, 4 WEST), states and drug names are not PII.
"""

from __future__ import annotations

import random

from . import _dates
from ._build import Text, fakers, fill, recased, record

LANGUAGE = "en"

# Findings lines: no PII, plenty of numbers and shorthand.
_SYSTEMS = (
    "NEURO: A&OX3, MAE, PERRLA, FOLLOWS COMMANDS. NO SEDATION SINCE 0600.",
    "CV: NSR 80S-90S, NO ECTOPY NOTED. SBP 110-130. K 3.6 REPLETED W/ 40 MEQ KCL.",
    "RESP: LS COARSE BILAT, DIMINISHED @ BASES. 4L NC, SATS 94-97%. NONPRODUCTIVE COUGH.",
    "GI: ABD SOFT, NT/ND, +BS. TF @ 55 CC/HR, RESIDUALS < 30 CC. NO BM THIS SHIFT.",
    "GU: FOLEY DRAINING CLEAR YELLOW URINE 40-70 CC/HR. BUN/CR 22/1.1.",
    "ID: TMAX 100.8 PO, WBC 13.2 (FROM 15.9). CONT VANCO/ZOSYN, LEVELS PENDING.",
    "SKIN: COCCYX STAGE 2, DUODERM INTACT. TURNED Q2H.",
    "ENDO: FS 140-210, COVERED PER RISS. INSULIN GTT OFF @ 0200.",
    "HEME: HCT 27.4, 1 U PRBC GIVEN W/O INCIDENT. NO S/S BLEEDING.",
    "PAIN: 6/10 @ INCISION, MORPHINE 2 MG IV Q2H PRN W/ GOOD EFFECT.",
    "LINES: R IJ TLC DAY 4, L RADIAL A-LINE, 2 PIVS. ALL SITES CDI.",
    "ACCESS: PICC PLACED TODAY, TIP IN SVC PER CXR.",
    "ACTIVITY: OOB TO CHAIR X2 W/ ASSIST OF 2. TOL WELL.",
    "VENT: AC 500 X 14, PEEP 8, FIO2 40%. ABG 7.38/42/96.",
    "MS: ARROUSABLE TO VOICE, INTERMITTENTLY CONFUSED, REORIENTED EASILY.",
    "HEMODYNAMICS: MAP > 65 ON LEVO 0.08 MCG/KG/MIN, WEANING AS TOL.",
)
# Lines that carry PII. Slots: DR (a clinician's surname), NAME (a person), FIRST (a given
# name), DATE, AGE90 (an age over 89), AGE (89 or under, not PII), PAGER, PHONE, FAX,
# HOSP (a hospital's proper name), TOWN, COUNTY, ZIP, STREET, MRN, ACCT, PLAN, SERIAL, PLATE,
# EMAIL, SSN, STATE (not PII).
_PII_LINES = (
    "PT IS A {AGE90} YO F ADMITTED TO HOSPITAL {DATE} W/ UROSEPSIS.",
    "{AGE} YO M S/P MI {DATE}, S/P CABG {DATE}, ADMITTED FOR CHF EXACERBATION.",
    "TRANSFER FROM {HOSP} HOSPITAL ON {DATE} FOR FURTHER MGMT.",
    "DR {DR} IN TO TALK WITH PT AND FAMILY RE: GOALS OF CARE.",
    "MD AWARE (DR {DR}, PAGER #{PAGER}). WILL F/U AM LABS.",
    "PLAN DISCUSSED W/DR {DR}; F/U {DATE} IN CLINIC.",
    "PT'S WIFE {FIRST} CALLED FOR UPDATE, HER CELL {PHONE}.",
    "DAUGHTER ({NAME}) IS HCP, PHONE {PHONE}.",
    "HX: DM2, HTN, CVA {DATE} W/ R SIDED WEAKNESS, AFIB ON COUMADIN.",
    "LIVES IN {TOWN} W/ SON, WAS INDEPENDENT W/ ADLS UNTIL {DATE}.",
    "FROM {HOSP} NURSING HOME, {TOWN}, {STATE} {ZIP}.",
    "MRN {MRN}. ALLERGIES: PCN (RASH), SULFA.",
    "CARDIOLOGY (DR {DR}) RECS: HOLD BB, REPEAT ECHO.",
    "SPOKE W/ {HOSP} REHAB, BED AVAILABLE {DATE}. FAX SUMMARY TO {FAX}.",
    "SOCIAL: RETIRED BUS DRIVER, {AGE90} Y/O, FORMER SMOKER, LIVES ALONE IN {COUNTY} COUNTY.",
    "DC HOME TO {STREET}, {TOWN} W/ VNA. F/U W/ PCP DR {DR} {DATE}.",
    "INSURANCE: MEDICAID ID {PLAN}. ACCT {ACCT}.",
    "PACEMAKER INTERROGATED, DEVICE SN {SERIAL}.",
    "PT'S CAR (PLATE {PLATE}) TOWED FROM ED LOT, SON AWARE.",
    "SON {NAME} REQUESTS UPDATES BY EMAIL {EMAIL}.",
    "SSN {SSN} VERIFIED BY ADMITTING FOR DISABILITY PAPERWORK.",
    "CODE STATUS DISCUSSED {DATE} W/ DR {DR} AND NIECE {FIRST}: DNR/DNI.",
    "ATTENDING: DR {DR}. RESIDENT: DR {DR}. NP {NAME}.",
    "LAST ADMISSION {DATE} TO {HOSP} MEDICAL CENTER FOR PNA.",
    "EXTUBATED {DATE} @ 1015, ON 2L NC. RT ({NAME}) AT BEDSIDE.",
    "NEPHRO FELLOW PAGED (PAGER {PAGER}), NO CALL BACK, REPAGED @ 2130.",
    "PT {AGE90} YEARS OLD, DNR, FAMILY ({FIRST} AND {FIRST}) AT BEDSIDE.",
    "BORN {DATE}. LMP {DATE}.",
    "OUTSIDE RECORDS FROM {HOSP} GENERAL (FAX {FAX}) REVIEWED W/ DR {DR}.",
    "TRANSFERRED TO MICU {DATE} FROM 7 NORTH, HD #3.",
    "CALLED HOME NUMBER {PHONE}, LEFT MSG FOR WIFE.",
    "{AGE} Y/O M, S/P FALL AT HOME IN {TOWN} ON {DATE}, ETOH ON BOARD.",
    "DR {DR} AWARE OF K 5.9, KAYEXALATE GIVEN. ATT PAGED X2 (#{PAGER}).",
    "PT SEEN BY DR {DR} AND DR {DR} (ID). ABX CHANGED {DATE}.",
    "WORKED AS A NURSE AT {HOSP} HOSPITAL UNTIL RETIRING, MOVED TO {TOWN} {DATE}.",
    "PT AGE {AGE90}, PREVIOUSLY AMBULATORY W/ WALKER.",
)
_HEADERS = (
    "NPN 7P-7A",
    "NURSING PROGRESS NOTE, MICU",
    "CCU NSG NOTE",
    "SICU NURSING ADMIT NOTE",
    "NPN",
    "RESP CARE NOTE",
    "NURSING TRANSFER NOTE",
)
_STATES = ("MA", "NH", "RI", "CT", "ME", "VT", "NY", "PA", "OH", "MD")
_HOSPITAL_WORDS = ("ST. {}", "{}", "{}", "{} VALLEY", "{} MEMORIAL", "NORTH {}", "{} REGIONAL")


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"clinical_icu/{seed}")
    fake = fakers(["en_US", "en_GB", "it_IT", "es_MX", "pl_PL"], seed, salt=3)
    us = fake["en_US"]

    def surname() -> str:
        return fake[rng.choice(("en_US", "en_US", "en_US", "en_GB", "it_IT", "es_MX", "pl_PL"))].last_name()

    def pager() -> str:
        kind = rng.randrange(3)
        if kind == 0:
            return str(rng.randint(10000, 99999))
        if kind == 1:
            return f"{rng.randint(1, 9)}-{rng.randint(1000, 9999)}"
        return f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"

    def us_phone() -> str:
        area, line = rng.choice(("617", "508", "781", "978", "401", "603")), f"01{rng.randint(0, 99):02d}"
        return rng.choice((f"({area}) 555-{line}", f"{area}-555-{line}", f"{area} 555 {line}", f"555-{line}"))

    def hospital() -> str:
        base = rng.choice((us.last_name(), us.city())).split(" ")[0]
        return rng.choice(_HOSPITAL_WORDS).format(base.upper())

    def date(key):
        text, year = _dates.clinical(rng)
        return ("DATE_TIME", text, year)

    def digits(k: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(k))

    slots = {
        "DR": lambda key: ("PERSON", surname()),
        "NAME": lambda key: ("PERSON", f"{us.first_name()} {surname()}"),
        "FIRST": lambda key: ("PERSON", us.first_name()),
        "DATE": date,
        "AGE90": lambda key: ("AGE_OVER_89", str(rng.randint(90, 104))),
        "AGE": lambda key: (None, str(rng.randint(19, 89))),
        "PAGER": lambda key: ("PHONE_NUMBER", pager()),
        "PHONE": lambda key: ("PHONE_NUMBER", us_phone()),
        "FAX": lambda key: ("PHONE_NUMBER", us_phone()),
        "HOSP": lambda key: ("LOCATION", hospital()),
        "TOWN": lambda key: ("LOCATION", us.city()),
        "COUNTY": lambda key: ("LOCATION", us.last_name()),
        "ZIP": lambda key: ("LOCATION", us.zipcode()),
        "STREET": lambda key: ("STREET_ADDRESS", us.street_address()),
        "MRN": lambda key: ("ID", rng.choice((digits(7), f"{digits(3)}-{digits(2)}-{digits(2)}", digits(9)))),
        "ACCT": lambda key: ("ID", digits(rng.choice((8, 10)))),
        "PLAN": lambda key: (
            "ID",
            f"{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}{digits(5)}{rng.choice('ABCDEFGH')}",
        ),
        "SERIAL": lambda key: (
            "ID",
            f"{rng.choice(('PJN', 'RNL', 'KDR'))}{digits(6)}{rng.choice(('H', 'S', ''))}",
        ),
        "PLATE": lambda key: (
            "ID",
            f"{rng.randint(1, 9)}{''.join(rng.choices('ABCDEFGHJKLMNPRSTVWXYZ', k=2))}{digits(3)}",
        ),
        "EMAIL": lambda key: ("EMAIL_ADDRESS", us.free_email()),
        "SSN": lambda key: (
            "US_SSN",
            f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
        ),
        "STATE": lambda key: (None, rng.choice(_STATES)),
    }
    records = []
    for index in range(n):
        built = Text()
        built.add(rng.choice(_HEADERS) + ("\n" if rng.random() < 0.7 else " "))
        lines = rng.sample(_SYSTEMS, rng.randint(1, 4)) + rng.sample(_PII_LINES, rng.randint(1, 3))
        rng.shuffle(lines)
        sep = rng.choice(("\n", " ", "\n"))
        for number, line in enumerate(lines):
            if number:
                built.add(sep)
            fill(built, line, slots)
        casing = rng.choices(("upper", "lower", "sentence"), weights=(55, 35, 10))[0]
        rec = record(f"ICU-{index + 1:05d}", built, LANGUAGE, casing=casing)
        if casing == "upper":
            rec = recased(rec, str.upper)
        elif casing == "lower":
            rec = recased(rec, str.lower)
        elif casing == "sentence":
            rec = recased(rec, str.lower)
            text = rec["text"]
            rec["text"] = "".join(
                c.upper() if i == 0 or text[max(0, i - 2) : i] in (". ", "\n") else c
                for i, c in enumerate(text)
            )
        records.append(rec)
    return records
