"""Labelled clinical notes for tuning the HIPAA policy: ICU nursing, progress and discharge styles.

Faker values (names, towns, companies) in shorthand the project's main generator lacks: ALL CAPS
ICU notes, lower-case nursing shorthand (`s/p`, `f/u`, `w/dr`, `d/w`), pagers and extensions,
unit names, dates in every clinical form, ages over 89, and labelled record numbers. Every
record also carries things that are not PII and must stay: drug names, abbreviations (`PT`,
`MICU`, `NPO`, `PRN`), vitals (`BP 120/80`), doses (`5/325`), scores (`GCS 15`), labs (`K 3.9`),
`POD#2`, ages up to 89.

Spans are typed by Safe Harbor kind (KINDS): NAME, GEOGRAPHIC (towns, counties, ZIP codes,
streets), FACILITY (hospitals, clinics, named units: not a Safe Harbor kind of its own, reported
apart), DATE, AGE_OVER_89, PHONE (phones, pagers, extensions), FAX, EMAIL, SSN, MRN, HEALTH_PLAN,
ACCOUNT, LICENSE, VEHICLE, DEVICE, URL, IP. A text is built piece by piece and each value's
offsets are recorded as it is appended; upper-casing keeps lengths (ASCII Faker locale), so spans
stay exact. Same seed, same notes. This is tuning data: the HIPAA detectors were tuned on it, so
figures on it are not held-out figures.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from faker import Faker

KINDS = (
    "NAME",
    "GEOGRAPHIC",
    "FACILITY",
    "DATE",
    "AGE_OVER_89",
    "PHONE",
    "FAX",
    "EMAIL",
    "SSN",
    "MRN",
    "HEALTH_PLAN",
    "ACCOUNT",
    "LICENSE",
    "VEHICLE",
    "DEVICE",
    "URL",
    "IP",
)
STYLES = ("icu_caps", "nursing", "discharge")

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_LONG_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_ORD = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}

# Filler with no PII, much of it what the recognizers must leave alone.
_FILLER = [
    "BP 120/80, HR 88 NSR, RR 18, SpO2 97% on 2L NC.",
    "bp 102/58 hr 110s st, afebrile, T 99.1 F.",
    "Percocet 5/325 1 tab PO q6h PRN pain.",
    "GCS 15, MAE, strength 5/5 bilat.",
    "K 3.9, Mg 2.1, repleted per sliding scale.",
    "NPO after MN for procedure.",
    "POD#2, tolerating clears.",
    "Lasix 40 mg IV given with good UOP.",
    "D5 1/2NS at 75 cc/hr.",
    "PT eval today, OOB to chair.",
    "MICU team aware of plan.",
    "I/O 1200/800 for shift.",
    "BCx 2/2 bottles pending.",
    "Heparin gtt titrated per protocol, PTT 65.",
    "Pt is a 67 yo M w/ CHF, COPD, HTN.",
    "INR 1.2, Plt 210, Hct 29.",
    "Vent settings AC 500 x 14, PEEP 5, FiO2 40%.",
    "Pain 4/10, Tylenol 650 mg PO given.",
    "RASS 0, CPOT 1.",
    "Insulin SS per protocol, FS 180s.",
    "Skin intact, turned q2h.",
    "Will cont to monitor.",
    "Levophed weaned off, MAP > 65.",
    "Pt c/o nausea, Zofran 4 mg IV x1 with relief.",
    "Foley draining clear yellow urine.",
    "Ratio 1:1 nursing overnight.",
]


class _Note:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[dict] = []

    def add(self, text: str, kind: str | None = None) -> None:
        if kind is not None and text:
            self.spans.append({"start": self.length, "end": self.length + len(text), "type": kind})
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)


class ClinicalNotes:
    """Seeded generator of labelled clinical notes."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)

    # --- values ------------------------------------------------------------------------------
    def date(self) -> str:
        r, f = self.rng, self.fake
        d = f.date_between(start_date="-30y", end_date="+1y")
        m, day, yy, yyyy = d.month, d.day, d.strftime("%y"), d.year
        forms = [
            f"{m}/{day}/{yy}",
            f"{m:02d}/{day:02d}/{yyyy}",
            f"{m}/{day}",
            f"{m:02d}/{day:02d}",
            f"{m}-{day}-{yy}",
            f"{day}-{_MONTHS[m - 1].upper()}",
            f"{_MONTHS[m - 1].lower()} {day}{_ORD.get(day, 'th')}",
            f"{_MONTHS[m - 1]} {day}, {yyyy}",
            f"{day} {_LONG_MONTHS[m - 1]} {yyyy}",
            f"{yyyy}-{m:02d}-{day:02d}",
            f"{_LONG_MONTHS[m - 1]} {yyyy}",
            f"{m}/{day}-{m}/{min(28, day + 2)}",
            f"{day:02d}{_MONTHS[m - 1].upper()}{yy}",
        ]
        return r.choice(forms)

    def year(self) -> str:
        return self.rng.choice(["'" + str(self.rng.randint(70, 99)), "'0" + str(self.rng.randint(0, 9))])

    def age_over_89(self) -> str:
        age = self.rng.randint(90, 104)
        return self.rng.choice([f"{age} yo", f"{age} y/o", f"{age}yo", f"{age} year old", f"{age}-year-old"])

    def pager(self) -> tuple[str, str]:
        r = self.rng
        return r.choice(
            [
                ("Pager #", str(r.randint(10000, 99999))),
                ("pgr ", str(r.randint(10000, 99999))),
                ("beeper ", f"{r.randint(1, 9)}-{r.randint(1000, 9999)}"),
                ("x", str(r.randint(1000, 9999))),
                ("pager ", f"{r.randint(1, 9)}-{r.randint(1000, 9999)}"),
                ("call ", f"{r.randint(1, 9)}-{r.randint(1000, 9999)}"),
            ]
        )

    def phone(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"617-555-01{r.randint(0, 99):02d}",
                f"(508) 555-01{r.randint(0, 99):02d}",
                f"781.555.01{r.randint(0, 99):02d}",
            ]
        )

    def facility(self) -> str:
        f, r = self.fake, self.rng
        last = f.last_name()
        return r.choice(
            [
                f"{last} Hospital",
                f"{last} Memorial Hospital",
                f"St. {f.first_name()}'s Medical Center",
                f"{last} Clinic",
                f"{f.city()} General Hospital",
                f"{last} Rehabilitation Center",
                f"{last} Nursing Home",
            ]
        )

    def unit(self) -> str:
        return f"{self.fake.last_name()} {self.rng.randint(2, 12)}"

    def town(self) -> str:
        return self.fake.city()

    def mrn(self) -> str:
        return str(self.rng.randint(1000000, 99999999))

    def digits(self, count: int) -> str:
        return str(self.rng.randint(1, 9)) + "".join(str(self.rng.randint(0, 9)) for _ in range(count - 1))

    def ident(self, letters: int, digits: int) -> str:
        r = self.rng
        return "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(letters)) + "".join(
            str(r.randint(0, 9)) for _ in range(digits)
        )

    def plate(self) -> str:
        r = self.rng
        return f"{r.randint(1, 9)}{self.ident(3, 0)}{r.randint(100, 999)}"

    def ssn(self) -> str:
        r = self.rng
        return f"{r.randint(100, 665)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}"

    # --- fragments: each appends to the note -----------------------------------------------
    def fragments(self) -> list[Callable[[_Note], None]]:
        f, r = self.fake, self.rng

        def doctor(n: _Note) -> None:
            last = f.last_name()
            lead, tail = r.choice(
                [
                    ("DR ", " IN TO TALK WITH PT. "),
                    ("spoke w/dr ", " re plan. "),
                    ("Dr. ", " made aware. "),
                    ("d/w NP ", ", will cont abx. "),
                    ("called dr. ", " with update. "),
                    ("Attending Dr. ", " saw pt. "),
                    ("per dr ", ", hold heparin. "),
                ]
            )
            n.add(lead)
            n.add(last, "NAME")
            n.add(tail)

        def nurse(n: _Note) -> None:
            first, last = f.first_name(), f.last_name()
            form = r.randrange(3)
            if form == 0:
                n.add("RN ")
                n.add(first, "NAME")
                n.add(" to resume care. ")
            elif form == 1:
                n.add(f"{first} {last}", "NAME")
                n.add(", RN. ")
            else:
                n.add("Report given to ")
                n.add(f"{first} {last}", "NAME")
                n.add(" RN. ")

        def family(n: _Note) -> None:
            rel = r.choice(["wife", "husband", "daughter", "son", "sister"])
            first = f.first_name()
            n.add(f"Family ({rel} ")
            n.add(first, "NAME")
            n.add(") at bedside, updated. ")

        def patient(n: _Note) -> None:
            first, last = f.first_name(), f.last_name()
            if r.random() < 0.5:
                n.add("Pt: ")
                n.add(f"{first} {last}", "NAME")
                n.add(". ")
            else:
                n.add("Mr. ")
                n.add(last, "NAME")
                n.add(" resting comfortably. ")

        def dates(n: _Note) -> None:
            lead, tail = r.choice(
                [
                    ("ADMITTED TO HOSPITAL ", ". "),
                    ("F/U ", " with PCP. "),
                    ("s/p CABG ", ". "),
                    ("CXR on ", " showed RLL infiltrate. "),
                    ("abx ", " completed. "),
                    ("last BM ", ". "),
                    ("DOB: ", ". "),
                    ("seen in clinic ", ". "),
                ]
            )
            n.add(lead)
            n.add(self.date(), "DATE")
            n.add(tail)

        def year(n: _Note) -> None:
            n.add(r.choice(["S/P MI ", "h/o CVA ", "s/p appy "]))
            n.add(self.year(), "DATE")
            n.add(". ")

        def ordinal(n: _Note) -> None:
            day = r.randint(1, 28)
            n.add("Last seen on the ")
            n.add(f"{day}{_ORD.get(day, 'th')}", "DATE")
            n.add(" by PCP. ")

        def age(n: _Note) -> None:
            n.add(r.choice(["Pt is a ", "Pt is ", ""]))
            n.add(self.age_over_89(), "AGE_OVER_89")
            n.add(r.choice([" F w/ dementia. ", " M admitted w/ PNA. ", " woman from home. "]))

        def pager(n: _Note) -> None:
            cue, value = self.pager()
            n.add(r.choice(["Covering MD ", "Resident ", "Pls page "]) + cue)
            n.add(value, "PHONE")
            n.add(" with questions. ")

        def phone(n: _Note) -> None:
            n.add(r.choice(["Daughter's cell ", "HCP phone ", "Call back at "]))
            n.add(self.phone(), "PHONE")
            n.add(". ")

        def fax(n: _Note) -> None:
            n.add("Records faxed to ")
            n.add(self.phone(), "FAX")
            n.add(". ")

        def facility(n: _Note) -> None:
            lead, tail = r.choice(
                [
                    ("TRANSFER FROM ", " FOR HIGHER LEVEL OF CARE. "),
                    ("d/c to ", " in am. "),
                    ("Records requested from ", ". "),
                    ("Pt followed at ", " for HD. "),
                ]
            )
            n.add(lead)
            n.add(self.facility(), "FACILITY")
            n.add(tail)

        def unit(n: _Note) -> None:
            n.add("Transferred to ")
            n.add(self.unit(), "FACILITY")
            n.add(" this afternoon. ")

        def town(n: _Note) -> None:
            form = r.randrange(4)
            if form == 0:
                n.add("Lives alone in ")
                n.add(self.town(), "GEOGRAPHIC")
                n.add(". ")
            elif form == 1:
                n.add("Home address ")
                n.add(f"{f.street_address()}, {self.town()}", "GEOGRAPHIC")
                n.add(", " + f.state_abbr() + " ")
                n.add(f.zipcode(), "GEOGRAPHIC")
                n.add(". ")
            elif form == 2:
                n.add("From ")
                n.add(self.town(), "GEOGRAPHIC")
                n.add(f", {f.state_abbr()}, arrived via EMS. ")
            else:
                n.add("Resident of ")
                n.add(f"{f.last_name()} County", "GEOGRAPHIC")
                n.add(". ")

        def ids(n: _Note) -> None:
            kind = r.randrange(9)
            label, value, k = [
                ("MRN: ", self.mrn(), "MRN"),
                ("Acct #: ", str(r.randint(10**7, 10**10)), "ACCOUNT"),
                ("Medicaid # ", self.ident(2, 8), "HEALTH_PLAN"),
                ("Member ID: ", self.ident(3, 9), "HEALTH_PLAN"),
                ("Lic # ", "RN" + str(r.randint(100000, 999999)), "LICENSE"),
                ("Pacemaker S/N: ", self.ident(2, 7), "DEVICE"),
                ("Plate # ", self.plate(), "VEHICLE"),
                ("SSN ", self.ssn(), "SSN"),
                ("MR# ", self.mrn(), "MRN"),
            ][kind]
            n.add(label)
            n.add(value, k)
            n.add(". ")

        def web(n: _Note) -> None:
            kind = r.randrange(3)
            if kind == 0:
                n.add("Pt email ")
                n.add(f.email(), "EMAIL")
            elif kind == 1:
                n.add("Portal ")
                n.add("https://" + f.domain_name() + "/chart/" + str(r.randint(1000, 9999)), "URL")
            else:
                n.add("Home monitor IP ")
                n.add(f.ipv4_private(), "IP")
            n.add(". ")

        return [
            doctor,
            nurse,
            family,
            patient,
            dates,
            dates,
            year,
            ordinal,
            age,
            pager,
            phone,
            fax,
            facility,
            unit,
            town,
            ids,
            ids,
            web,
        ]

    def record(self, record_id: str) -> dict:
        r = self.rng
        style = r.choice(STYLES)
        note = _Note()
        fragments = self.fragments()
        for _ in range(r.randint(3, 6)):
            if r.random() < 0.6:
                note.add(r.choice(_FILLER) + " ")
            r.choice(fragments)(note)
        note.add(r.choice(_FILLER))
        text = note.text()
        if style == "icu_caps":
            text = text.upper()
        elif style == "nursing":
            text = text.lower()
        return {"id": record_id, "text": text, "language": "en", "style": style, "spans": note.spans}


def generate_clinical(n: int, seed: int = 0) -> list[dict]:
    """`n` labelled clinical notes {"id", "text", "language", "style", "spans"}."""
    notes = ClinicalNotes(seed)
    records = [notes.record(f"C-{i + 1:05d}") for i in range(n)]
    for record in records:
        for span in record["spans"]:
            value = record["text"][span["start"] : span["end"]]
            if not value or value != value.strip() or re.search(r"\n", value):
                raise AssertionError(f"{record['id']}: span boundaries are off")
    return records


# --- ward notes: the shorthand of ICU/nursing flowsheets -------------------------------------
# Places and ids written the way nurses write them (`TRANSFER FROM X HOSPITAL`, `LIVES IN X`,
# `FROM X NURSING HOME`, `#1234567`, `UNIT # 1234567`), phones without a phone word (`nursing
# station 5-1234`, `desk 555-0134`, `call back at`, 7-digit local numbers) and filler dense in
# shorthand that must stay. Apart from `generate_clinical` so its draws (and figures) stay as
# they were.
_WARD_FILLER = [
    "A&Ox3, MAE, follows commands.",
    "LS CTA bilat, diminished at bases.",
    "Abd soft NT/ND, +BS x4.",
    "S1S2 RRR, no m/r/g.",
    "TF Jevity @ 60 cc/hr, residuals < 50.",
    "NGT to LIS, draining bilious.",
    "SBT tolerated x 30 min, back to CPAP 5/5.",
    "Propofol at 20 mcg/kg/min, RASS -2.",
    "UOP adequate via Foley, 50-80 cc/hr.",
    "CBG 142, no coverage needed.",
    "ABG 7.38/40/90 on current settings.",
    "PICC R arm, flushes easily, dsg C/D/I.",
    "Neuro: PERRLA, no focal deficits.",
    "Pt turned and repositioned q2h, skin intact.",
    "Plan: cont current POC, wean vent as tol.",
    "NSR 70s-80s, no ectopy.",
    "Afebrile, WBC trending down.",
    "HOB > 30 degrees, VAP bundle in place.",
    "Precedex gtt off at 1400.",
    "SQ heparin, SCDs on.",
    "CT head neg, MRI pending.",
    "Code status: full code.",
    "DNR/DNI per HCP.",
    "Pain controlled w/ Dilaudid PCA.",
    "Lytes repleted, AM labs ordered.",
    "Sputum cx sent, abx broadened to vanc/zosyn.",
]
# Numbers of a ward note that are no identifier: beds, rooms, doses, labs, vitals, times,
# multipliers, counts; beside ids they look like ids ("Plan 1000 cc", "rm 4102", "x2").
_NUMBER_FILLER = [
    "Moved to bed 12 by the window.",
    "Room 412, bed 2.",
    "Pt in rm 4102, door closed.",
    "Zosyn 3.375 g IV q8h x2 doses.",
    "Plan 1000 cc NS bolus x1.",
    "plan: 2 units PRBC, recheck Hgb 7.9.",
    "Glucose 134, Cr 1.02, BUN 24.",
    "HR 112, BP 134/82, T 101.2.",
    "Next dose due at 1730.",
    "NS @ 125 ml/hr, K 40 mEq PO x1.",
    "ID following, vanc 1250 mg q12h.",
    "Unit 5 bed 12, handoff at 1900.",
    "Trop 0.04 x2, flat.",
    "Lot of family at bedside x3.",
    "Group 2 of 3 wound care.",
    "Smoker x 30 years, quit 10 yrs ago.",
    "Case discussed w/ team; floor overnight if stable.",
]


class WardNotes(ClinicalNotes):
    """Ward-style notes: places, ids and phones in the forms flowsheets use."""

    def local(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"555-01{r.randint(0, 99):02d}",
                f"555 01{r.randint(0, 99):02d}",
                f"{r.randint(2, 9)}-{r.randint(1000, 9999)}",
                f"x{r.randint(1000, 9999)}",
                f"X {r.randint(1000, 9999)}",
                f"617-555-01{r.randint(0, 99):02d}",
                f"(781) 555-01{r.randint(0, 99):02d}",
                f"6175550{r.randint(100, 199)}",
            ]
        )

    def fragments(self) -> list[Callable[[_Note], None]]:
        f, r = self.fake, self.rng

        def transfer(n: _Note) -> None:
            last = f.last_name()
            lead, value, tail = r.choice(
                [
                    ("TRANSFER FROM ", f"{last} HOSPITAL", " FOR CARDIAC CATH. "),
                    ("transfer from ", f"{last} Hospital", " ED. "),
                    ("FROM ", f"{last} NURSING HOME", ", BASELINE A&OX1. "),
                    ("pt from ", f"{last} nursing home", " w/ fever. "),
                    ("Sent from ", f"{last} Manor", " for AMS. "),
                    ("OSH: ", f"{last} Memorial", ". "),
                    ("transferred from ", f"{f.city()} Hospital", " ICU. "),
                    ("RETURNED TO ", f"{last} REHAB", " TODAY. "),
                    ("came from ", f"{last} Medical Center", " ED via EMS. "),
                    ("dc to ", f"{last} House", " when stable. "),
                    ("resides at ", f"{last} Assisted Living", ". "),
                    ("hx obtained from ", f"{last} Clinic", " records. "),
                ]
            )
            n.add(lead)
            n.add(value, "FACILITY")
            n.add(tail)

        def lives(n: _Note) -> None:
            town = f.city()
            lead, tail = r.choice(
                [
                    ("LIVES IN ", " WITH WIFE. "),
                    ("lives w/ daughter in ", ". "),
                    ("Lives alone in ", ", independent w/ ADLs. "),
                    ("PT FROM ", ", VACATIONING HERE. "),
                    ("home in ", ", 2 flights of stairs. "),
                    ("EMS from ", " after fall. "),
                    ("family driving in from ", " tonight. "),
                    ("works in ", " as a teacher. "),
                    ("MVC in ", ", restrained driver. "),
                ]
            )
            n.add(lead)
            n.add(town, "GEOGRAPHIC")
            n.add(tail)

        def ward_ids(n: _Note) -> None:
            label, value, kind = r.choice(
                [
                    ("#", str(r.randint(1000000, 99999999)), "MRN"),
                    ("UNIT # ", str(r.randint(1000000, 9999999)), "MRN"),
                    ("unit no: ", str(r.randint(100000, 9999999)), "MRN"),
                    ("Record # ", str(r.randint(100000, 9999999)), "MRN"),
                    ("med rec no ", str(r.randint(100000, 9999999)), "MRN"),
                    ("hosp # ", str(r.randint(1000000, 9999999)), "MRN"),
                    ("pt id ", str(r.randint(1000000, 9999999)), "MRN"),
                    ("Account No. ", str(r.randint(100000, 999999999)), "ACCOUNT"),
                    ("acct ", str(r.randint(1000000, 999999999)), "ACCOUNT"),
                    ("Accession # ", f"S{r.randint(10, 99)}-{r.randint(1000, 99999)}", "MRN"),
                    ("Case # ", f"{r.randint(10, 99)}-{r.randint(1000, 99999)}", "MRN"),
                    ("ID: ", str(r.randint(100000, 9999999)), "MRN"),
                    ("Chart# ", str(r.randint(100000, 9999999)), "MRN"),
                ]
            )
            n.add(label)
            n.add(value, kind)
            n.add(". ")

        def ward_phone(n: _Note) -> None:
            lead, tail = r.choice(
                [
                    ("nursing station ", ". "),
                    ("NURSING STATION ", " IF ANY CHANGES. "),
                    ("desk ", ". "),
                    ("front desk ", " for bed mgmt. "),
                    ("call back at ", ". "),
                    ("CALL BACK AT ", " W/ RESULTS. "),
                    ("cb ", ". "),
                    ("Daughter (HCP) ", ". "),
                    ("wife at home ", ", aware of plan. "),
                    ("Husband ", " - pls update in am. "),
                    ("unit ", " for report. "),
                    ("reach covering at ", ". "),
                    ("Lab will call w/ results ", ". "),
                    ("contact son ", " re: dispo. "),
                ]
            )
            n.add(lead)
            n.add(self.local(), "PHONE")
            n.add(tail)

        def ward_doctor(n: _Note) -> None:
            last = f.last_name()
            lead, tail = r.choice(
                [
                    ("DR ", " AWARE. "),
                    ("w/dr ", " at bedside. "),
                    ("paged dr ", " re: low uop. "),
                    ("NP ", " in to eval. "),
                ]
            )
            n.add(lead)
            n.add(last, "NAME")
            n.add(tail)

        def labelled_ids(n: _Note) -> None:
            # ids in the forms notes glue, abbreviate and case: "MRN 1234567", "mrn#1234567",
            # "Medicaid id GG52634G", "acct 55-1234", "ICD S/N PRM123456"
            d = self.digits
            label, value, kind = r.choice(
                [
                    ("MRN ", d(7), "MRN"),
                    ("mrn", d(8), "MRN"),
                    ("MRN#", d(7), "MRN"),
                    ("MR #: ", d(7), "MRN"),
                    ("Unit No. ", d(7), "MRN"),
                    ("Medicaid id ", self.ident(2, 5) + self.ident(1, 0), "HEALTH_PLAN"),
                    ("medicaid ID: ", d(9), "HEALTH_PLAN"),
                    (
                        "Medicare # ",
                        f"{d(1)}{self.ident(2, 1)}-{self.ident(2, 1)}-{self.ident(2, 2)}",
                        "HEALTH_PLAN",
                    ),
                    ("Member no. ", self.ident(1, 9), "HEALTH_PLAN"),
                    ("member #", self.ident(3, 9), "HEALTH_PLAN"),
                    ("subscriber id ", self.ident(1, 8), "HEALTH_PLAN"),
                    ("Ins ID: ", self.ident(3, 6), "HEALTH_PLAN"),
                    ("policy no ", d(9), "HEALTH_PLAN"),
                    ("acct ", f"{d(2)}-{d(4)}", "ACCOUNT"),
                    ("account# ", d(7), "ACCOUNT"),
                    ("acct#", d(8), "ACCOUNT"),
                    ("FIN ", d(8), "ACCOUNT"),
                    ("licence no. ", d(6), "LICENSE"),
                    ("license # ", "MD-" + d(5), "LICENSE"),
                    ("DEA # ", self.ident(2, 7), "LICENSE"),
                    ("NPI ", d(10), "LICENSE"),
                    ("device serial ", "SN-" + self.ident(3, 5), "DEVICE"),
                    ("pacemaker serial # ", d(4) + self.ident(3, 3), "DEVICE"),
                    ("ICD S/N ", self.ident(3, 6), "DEVICE"),
                    ("pump serial no. ", self.ident(2, 6), "DEVICE"),
                ]
            )
            n.add(label)
            n.add(value, kind)
            n.add(". ")

        return [
            transfer,
            transfer,
            lives,
            lives,
            ward_ids,
            ward_ids,
            labelled_ids,
            labelled_ids,
            ward_phone,
            ward_phone,
            ward_doctor,
        ]

    def record(self, record_id: str) -> dict:
        r = self.rng
        style = r.choice(STYLES)
        note = _Note()
        fragments = self.fragments()
        for _ in range(r.randint(3, 6)):
            for _ in range(r.randint(1, 2)):
                note.add(r.choice(_WARD_FILLER + _FILLER + _NUMBER_FILLER) + " ")
            r.choice(fragments)(note)
        note.add(r.choice(_WARD_FILLER))
        text = note.text()
        if style == "icu_caps":
            text = text.upper()
        elif style == "nursing":
            text = text.lower()
        return {"id": record_id, "text": text, "language": "en", "style": style, "spans": note.spans}


def generate_ward_notes(n: int, seed: int = 0) -> list[dict]:
    """`n` labelled ward-style notes (WardNotes), same shape as `generate_clinical`'s."""
    notes = WardNotes(seed)
    return [notes.record(f"W-{i + 1:05d}") for i in range(n)]


# --- geography below a state in nursing notes ----------------------------------------------
# Towns after "moved to"/"retired to"/"relocated to" (often one word, with a prefix such as
# "lake", "port", "new", "north", "st." that is part of the name), facility names whose place
# word is part of the name ("outside records from <Town> General", "FROM ST. <NAME> GENERAL",
# "from west nursing home, west taylor, nh 90577", "worked as a nurse at east hospital"), and a
# discharge address whose town sits between the street and "w/ vna". Apart from the other sets
# so their draws stay as they were. Filler includes the look-alikes that must stay ("moved to
# chair", "transferred to MICU", "general anesthesia", "d/c home w/ vna").
_GEO_FILLER = [
    "Pt moved to chair w/ assist x2.",
    "moved to the floor overnight, stable.",
    "Transferred to MICU for closer monitoring.",
    "moved to ICU after RRT.",
    "s/p general anesthesia, arousable.",
    "General appearance: NAD, well nourished.",
    "Plan d/c home w/ VNA when cleared by PT.",
    "East wing closed for cleaning, pt in rm 4.",
    "moved to bed 3 for isolation.",
    "Pt relocated to the window bed.",
    "retired to bed at 2200, slept well.",
    "Outside records reviewed, no new findings.",
    "Hospital course uncomplicated.",
    "New onset afib, rate controlled.",
    "North side of abd tender to palpation.",
    "Worked with PT, ambulated 50 ft.",
    "d/c to rehab when bed available.",
    "Pt from home w/ daughter.",
    "Lives in a 2 story house, 12 steps.",
    "Arrived from ED at 1730.",
    "Weaned from vent x2 attempts.",
    "DC to SNF in am.",
    "Back from OR at 1400, stable.",
    "Moved to room 412 overnight.",
    "Lives in senior housing w/ elevator.",
    "From 0600 to 1800 NPO.",
]
# States as a bare code after a lower-case town ("moved to prescott az"): codes that are no word
# or clinical abbreviation.
_BARE_STATES = ["az", "nh", "nj", "ny", "tx", "fl", "ma", "nv", "wa", "ky", "tn", "nm", "vt", "wv"]
_TOWN_PREFIXES = ["Lake", "Port", "New", "North", "East", "West", "South", "St.", "Mount", "Fort"]


class GeoNotes(ClinicalNotes):
    """Nursing-note geography below a state: towns after moving words, facilities named after
    a place, towns inside a discharge address."""

    def town_name(self) -> str:
        r, f = self.rng, self.fake
        roll = r.random()
        if roll < 0.45:
            return f.city().split()[-1] if r.random() < 0.5 else f.city()
        if roll < 0.75:
            return f"{r.choice(_TOWN_PREFIXES)} {f.city().split()[-1]}"
        return f"{r.choice(_TOWN_PREFIXES)} {f.last_name()}"

    def fragments(self) -> list[Callable[[_Note], None]]:
        f, r = self.fake, self.rng

        def moved(n: _Note) -> None:
            verb = r.choice(
                [
                    "moved to ",
                    "Moved to ",
                    "retired to ",
                    "relocated to ",
                    "recently moved to ",
                    "pt moved to ",
                ]
            )
            lead = r.choice(["", "Pt ", "Lives alone, ", "SOCIAL: ", "Widowed, "])
            n.add(lead + verb)
            n.add(self.town_name(), "GEOGRAPHIC")
            if r.random() < 0.35:
                n.add(r.choice([" ", " on ", " in "]))
                n.add(self.date(), "DATE")
                n.add(". ")
                return
            n.add(
                r.choice(
                    [
                        ". ",
                        f" {r.randint(2, 20)} yrs ago. ",
                        " after husband died. ",
                        " w/ daughter. ",
                        "; no local family. ",
                        f" last {r.choice(['spring', 'year', 'month'])}. ",
                    ]
                )
            )

        def facility_place(n: _Note) -> None:
            town = self.town_name()
            last = f.last_name()
            form = r.randrange(8)
            if form == 0:
                n.add("outside records from ")
                n.add(f"{town} General", "FACILITY")
                n.add(" (fax ")
                n.add(self.phone(), "FAX")
                n.add(") reviewed. ")
            elif form == 1:
                n.add("FROM ")
                n.add(f"St. {last} General", "FACILITY")
                n.add(" VIA EMS. ")
            elif form == 2:
                word = r.choice(["west", "east", "north", "south", "lake", "pine", "oak"])
                n.add("from ")
                n.add(f"{word} nursing home", "FACILITY")
                n.add(", ")
                n.add(f"{word} {last}", "GEOGRAPHIC")
                n.add(f", {f.state_abbr(include_territories=False)} ")
                n.add(f.zipcode(), "GEOGRAPHIC")
                n.add(". ")
            elif form == 3:
                word = r.choice(["east", "west", "north", "south", "central", "lake"])
                n.add(r.choice(["worked as a nurse at ", "retired nurse from ", "worked at "]))
                n.add(f"{word} {r.choice(['hospital', 'general', 'medical center'])}", "FACILITY")
                n.add(r.choice([" x 30 yrs. ", ". ", " until 2010. "]))
            elif form == 4:
                n.add(r.choice(["Transferred from ", "OSH: ", "Records from "]))
                n.add(
                    f"{town} {r.choice(['General', 'General Hospital', 'Hospital', 'Regional'])}", "FACILITY"
                )
                n.add(r.choice([" ED. ", ". ", " for eval. "]))
            elif form == 5:
                n.add("seen at ")
                n.add(f"{town} {r.choice(['Clinic', 'Health Center', 'Medical Center'])}", "FACILITY")
                n.add(" last wk. ")
            elif form == 6:
                n.add("from ")
                n.add(f"{town} Nursing Home", "FACILITY")
                n.add(", ")
                n.add(town, "GEOGRAPHIC")
                n.add(f", {f.state_abbr(include_territories=False)}. ")
            else:
                n.add("records from ")
                n.add(f"St. {f.first_name()} General", "FACILITY")
                n.add(" requested. ")

        def dc_home(n: _Note) -> None:
            n.add(r.choice(["dc home to ", "d/c home to ", "DC HOME TO ", "discharged home to "]))
            n.add(f"{f.street_address()}, {self.town_name()}", "GEOGRAPHIC")
            n.add(r.choice([" w/ vna. ", " w/ VNA services. ", " with vna. ", " w/ home PT. "]))

        def from_town(n: _Note) -> None:
            # "originally from Ft. Lee", "lives in St Paul", "d/c to prescott az", "FROM MT. JOY,"
            lead = r.choice(
                [
                    "originally from ",
                    "visiting from ",
                    "pt is from ",
                    "Pt lives in ",
                    "daughter lives in ",
                    "d/c to ",
                    "dc'd to home in ",
                    "family from ",
                    "moved to ",
                ]
            )
            n.add(lead)
            roll = r.random()
            if roll < 0.4:
                short = f.last_name()
                while len(short) > 4:
                    short = f.last_name()
                n.add(
                    f"{r.choice(['Ft.', 'Ft', 'St', 'St.', 'Mt.', 'Mt', 'Port', 'Lake'])} {short}",
                    "GEOGRAPHIC",
                )
            elif roll < 0.7:
                n.add(f.city().lower(), "GEOGRAPHIC")
                n.add(f" {r.choice(_BARE_STATES)}")
            else:
                n.add(f.city(), "GEOGRAPHIC")
            n.add(r.choice([". ", " w/ vna. ", ", here for f/u. ", " last yr. "]))

        return [moved, moved, facility_place, facility_place, dc_home, from_town, from_town]

    def record(self, record_id: str) -> dict:
        r = self.rng
        style = r.choice(STYLES)
        note = _Note()
        fragments = self.fragments()
        for _ in range(r.randint(2, 4)):
            note.add(r.choice(_GEO_FILLER + _FILLER) + " ")
            r.choice(fragments)(note)
        note.add(r.choice(_GEO_FILLER))
        text = note.text()
        if style == "icu_caps":
            text = text.upper()
        elif style == "nursing":
            text = text.lower()
        elif r.random() < 0.3:  # mixed: a capitalized prefix word in a lower-case note
            text = text.lower()
        return {"id": record_id, "text": text, "language": "en", "style": style, "spans": note.spans}


def generate_geo_notes(n: int, seed: int = 0) -> list[dict]:
    """`n` labelled notes of geography below a state (GeoNotes), same shape as `generate_clinical`'s."""
    notes = GeoNotes(seed)
    return [notes.record(f"G-{i + 1:05d}") for i in range(n)]
