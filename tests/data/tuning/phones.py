"""Phone numbers of many countries and numbers that are not phones, in short sentences.

The tuning set for `redaction/recognizers/phone_number.py` (and `benchmarks/phones.py`): Faker's
phone formats for 30 locales, in sentences with and without a context word, and amounts, dates,
invoice and order ids, measurements, years, versions and IP-like numbers that must not be
taken for phones. Every value is generated; none is real.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from faker import Faker

LOCALES = (
    "en_US en_GB en_CA en_AU en_IE en_NZ en_IN fr_FR fr_BE fr_CH de_DE de_AT de_CH nl_NL nl_BE da_DK "
    "no_NO sv_SE fi_FI it_IT es_ES pt_PT pt_BR pl_PL cs_CZ hu_HU ro_RO el_GR tr_TR ja_JP"
).split()

WITH_CONTEXT = (
    "Call me on {}.",
    "Tel: {}",
    "My mobile is {} if you need me.",
    "Phone {} (evenings).",
    "You can reach the office at {}.",
    "WhatsApp {}",
    "Fax: {}",
    "Handy: {}",
    "Téléphone : {}",
)
WITHOUT_CONTEXT = (
    "{}",
    "Best, Ana - {}",
    "{} after 6pm please.",
    "Ask for Jo at {} tomorrow.",
)


@dataclass(frozen=True)
class Sample:
    text: str
    start: int  # the phone's span; (-1, -1) for a text without a phone
    end: int
    kind: str  # locale of the phone, or the kind of non-phone number


def _place(template: str, value: str, kind: str) -> Sample:
    start = template.index("{}")
    return Sample(template.format(value), start, start + len(value), kind)


def phones(n_per_locale: int = 20, seed: int = 7) -> list[Sample]:
    rng = random.Random(seed)
    out = []
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + LOCALES.index(locale))
        for i in range(n_per_locale):
            number = fake.phone_number()
            templates = WITH_CONTEXT if i % 2 == 0 else WITHOUT_CONTEXT
            out.append(_place(rng.choice(templates), number, locale))
    return out


def non_phones(n_per_kind: int = 60, seed: int = 7) -> list[Sample]:
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)

    def amount() -> str:
        value = rng.randrange(1000, 99_999_999)
        sep = rng.choice([" ", ",", ".", "'"])
        body = f"{value:,}".replace(",", sep)
        return rng.choice(["{} EUR", "${}", "{} €", "total {}", "{}.00 USD", "{} kr"]).format(body)

    def date() -> str:
        d = fake.date_between("-40y", "+2y")
        fmt = rng.choice(["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y %m %d", "%d-%m-%Y", "%Y/%m/%d"])
        return d.strftime(fmt)

    def invoice() -> str:
        labels = ["Invoice", "Order", "Ref", "Ticket", "Case", "Order #", "Facture", "Commande", "ID"]
        label = rng.choice(labels)
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(7, 12)))
        if rng.random() < 0.4:
            digits = f"{digits[:4]} {digits[4:8]} {digits[8:]}".strip()
        return f"{label} {digits}"

    def measurement() -> str:
        return rng.choice(
            [
                f"{rng.randrange(100, 99999)} km",
                f"{rng.randrange(10, 999)} x {rng.randrange(10, 999)} x {rng.randrange(10, 999)} mm",
                f"{rng.randrange(1, 99)},{rng.randrange(10, 99)} kg",
                f"{rng.randrange(1000, 999999):,} m²".replace(",", " "),
                f"{rng.randrange(100, 9999)} ml",
            ]
        )

    def years() -> str:
        start = rng.randrange(1950, 2020)
        return rng.choice(
            [
                f"{start} {start + 1} {start + 2}",
                f"{start}-{start + 5}",
                f"from {start} to {start + 3}",
                f"{start}/{start + 1}",
            ]
        )

    def other() -> str:
        r = rng.randrange
        return rng.choice(
            [
                f"{r(1, 255)}.{r(0, 255)}.{r(0, 255)}.{r(1, 255)}",
                f"version {rng.randrange(1, 20)}.{rng.randrange(0, 30)}.{rng.randrange(0, 200)}",
                f"ISBN 978-{r(0, 9)}-{r(10, 99)}-{r(100000, 999999)}-{r(0, 9)}",
                f"{rng.randrange(1, 99)}:{rng.randrange(10, 59)}:{rng.randrange(10, 59)}",
                f"score {rng.randrange(1, 999)} - {rng.randrange(1, 999)}",
                f"{rng.randrange(10000, 99999)} steps",
                f"page {rng.randrange(100, 999)} of {rng.randrange(1000, 9999)}",
            ]
        )

    carriers = ("The value was {} yesterday.", "See {}.", "{}", "We noted {} in the report.")
    out = []
    for kind, make in (
        ("amount", amount),
        ("date", date),
        ("invoice/order id", invoice),
        ("measurement", measurement),
        ("years", years),
        ("other number", other),
    ):
        for _ in range(n_per_kind):
            out.append(Sample(rng.choice(carriers).format(make()), -1, -1, kind))
    return out


# --- styled records: phones in the carriers they come in, scored as full removal ----------------
#
# Records in the evaluation format ({"text", "spans": [{"start", "end", "type"}], "style"}), for
# `benchmarks/phones.py`: a phone span is fully removed only when every token of it is redacted
# (`redaction.evaluate.evaluate_removals`). The span is the number as dialled: country or trunk
# prefix, area code, extension with its marker (`x4567`, `ext. 22`); a pager label stays outside.

MORE_LOCALES = (
    "ko_KR zh_CN zh_TW ru_RU uk_UA he_IL th_TH id_ID vi_VN es_MX es_AR es_CO es_CL hr_HR sk_SK sl_SI "
    "lv_LV lt_LT et_EE bg_BG ka_GE hy_AM az_AZ fa_IR bn_BD ne_NP fr_CA it_CH de_LI"
).split()
ALL_LOCALES = LOCALES + MORE_LOCALES

STYLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "clinical upper": (
        "PT DAUGHTER CALLED, CALL BACK {}.",
        "CALL {} WITH RESULTS",
        "PCP OFFICE {} - LEFT MSG",
        "WIFE AT BEDSIDE, HER CELL {}",
        "TEL {} FOR FAMILY MTG",
        "CONTACT: SON ({}), AWARE OF PLAN",
        "HOME PHONE {} PER PT",
        "D/C INSTRUCTIONS GIVEN, F/U CALL {}",
    ),
    "clinical lower": (
        "spoke w/ pt's husband, cell {}, aware of plan",
        "pls call {} re: labs",
        "f/u w/ pcp, tel {}",
        "fam updated by phone ({}), no questions",
        "left vm at {} for daughter",
        "call back # {} if any change",
        "pt states home # is {}",
        "rx called in to pharmacy {}",
    ),
    "chat": (
        "text me {} lol",
        "my num is {} !!",
        "hmu at {}",
        "{} call me when ur free",
        "new number: {} save it",
        "whatsapp me on {} pls",
        "ok ring {} in 5",
    ),
    "form": (
        "Phone: {}",
        "Tel/Fax: {}",
        "Mobile | {}",
        "Home phone ........ {}",
        "Telephone (day): {}",
        "TEL.: {}",
        "Contact no: {}",
        "Emergency contact phone - {}",
    ),
    "email signature": (
        "Best regards,\nAna\nSenior Analyst\nT {}\nwww.example.org",
        "--\nKind regards | Office {} | Skype: ana.b",
        "Cheers,\nJo\nM: {}",
        "Sent from my phone. Direct line {}",
        "Regards\nSupport Desk\nPh. {}  (Mon-Fri 9-5)",
    ),
    "plain": (
        "{}",
        "Best, Ana - {}",
        "{} after 6pm please.",
        "Ask for Jo at {} tomorrow.",
        "The number {} rang twice.",
    ),
}


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(2, 10)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))


def _us_number(rng: random.Random) -> str:
    area, exchange, line = _digits(rng, 3), _digits(rng, 3), "".join(str(rng.randrange(10)) for _ in range(4))
    return rng.choice(
        [
            f"({area}) {exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"{area}/{exchange}-{line}",
            f"{area} {exchange} {line}",
            f"1-{area}-{exchange}-{line}",
            f"+1 {area} {exchange} {line}",
            f"+1 ({area}) {exchange}-{line}",
            f"001 {area} {exchange} {line}",
            f"{area}{exchange}{line}",
            f"{exchange}-{line}",
        ]
    )


def _extension(rng: random.Random) -> str:
    n = "".join(str(rng.randrange(10)) for _ in range(rng.randrange(2, 6)))
    return rng.choice([f" ext. {n}", f" ext {n}", f" x{n}", f" x {n}", f" EXT {n}", f" ext.{n}", f"x{n}"])


def _reformatted(rng: random.Random, number: str) -> str:
    """A Faker number rewritten with other separators or an international prefix."""
    digits = re.sub(r"\D", "", re.sub(r"(?i)\s*(?:x|ext\.?)\s*\d+$", "", number))
    if not 8 <= len(digits) <= 12:
        return number
    choice = rng.randrange(5)
    if choice == 0:
        return ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    if choice == 1:
        return f"{digits[:3]}/{digits[3:6]} {digits[6:]}"
    if choice == 2:
        return f"({digits[:3]}) {digits[3:6]} {digits[6:]}"
    if choice == 3:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return digits


def _international(rng: random.Random, fake: Faker, locale: str) -> str:
    """A Faker number of the locale as dialled from abroad, `+CC` or `00CC`, if it parses."""
    import phonenumbers

    region = locale.split("_")[1]
    for _ in range(5):
        raw = fake.phone_number()
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if rng.random() < 0.35:
            shown = "00" + shown[1:]
        elif rng.random() < 0.3:
            shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return shown
    return _us_number(rng)


PAGER_TEMPLATES = (
    "Pager #{}",
    "PAGER {}",
    "pgr {}",
    "PGR#{}",
    "beeper {}",
    "BEEPER: {}",
    "page {} w/ questions",
    "paged covering MD at {}",
    "on-call pgr {} overnight",
    "Dr. on call, pager: {}",
)
EXTENSION_TEMPLATES = (
    "CALL {}",
    "call {} for bed mgmt",
    "nursing station {}",
    "reach RN at {}",
    "ICU desk {}",
    "pls call front desk {}",
)


def _short_internal(rng: random.Random) -> str:
    n4 = "".join(str(rng.randrange(10)) for _ in range(4))
    return rng.choice(
        [
            f"x{n4}",
            f"X{n4}",
            f"ext. {rng.randrange(10, 999)}",
            f"ext {n4}",
            f"{rng.randrange(2, 9)}-{n4}",
            f"{_digits(rng, 3)}-{n4}",
            f"x {n4}",
        ]
    )


def _record(template: str, value: str, style: str, upper: bool = False) -> dict:
    if upper:
        template, value = template.upper(), value.upper()
    start = template.index("{}")
    return {
        "text": template.format(value),
        "spans": [{"start": start, "end": start + len(value), "type": "PHONE_NUMBER"}],
        "style": style,
    }


def styled_phones(n_per_style: int = 80, seed: int = 11) -> list[dict]:
    """Phones, pagers, extensions and faxes in many carriers and formats: one labelled record each.

    Styles: the carrier styles of STYLE_TEMPLATES (numbers from every locale of ALL_LOCALES,
    national, reformatted or international), `pager` (Pager #54321, pgr, beeper, 4-5678),
    `extension/short` (x4567, ext. 22, CALL 555-1234), `with extension` (a full number and its
    extension), `international` (+CC / 00CC), `glued` (number touching its label: `tel:`,
    `Ph#`, `mob.`), `us clinical` (US formats in upper-case notes).
    """
    rng = random.Random(seed)
    fakes = {}
    for locale in ALL_LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + ALL_LOCALES.index(locale))
        try:
            fake.phone_number()
        except AttributeError:
            continue
        fakes[locale] = fake
    locales = sorted(fakes)

    def any_number() -> str:
        locale = rng.choice(locales)
        fake = fakes[locale]
        kind = rng.randrange(4)
        if kind == 0:
            return _reformatted(rng, fake.phone_number())
        if kind == 1:
            return _international(rng, fake, locale)
        return fake.phone_number()

    out: list[dict] = []
    for style, templates in STYLE_TEMPLATES.items():
        for _ in range(n_per_style):
            out.append(_record(rng.choice(templates), any_number(), style, upper=style == "clinical upper"))
    for _ in range(n_per_style):
        value = rng.choice(
            [str(rng.randrange(1000, 99999)), f"{rng.randrange(2, 9)}-{rng.randrange(1000, 9999)}"]
        )
        if rng.random() < 0.3:
            value = _us_number(rng)
        out.append(_record(rng.choice(PAGER_TEMPLATES), value, "pager", upper=rng.random() < 0.4))
    for _ in range(n_per_style):
        out.append(
            _record(
                rng.choice(EXTENSION_TEMPLATES), _short_internal(rng), "extension/short", rng.random() < 0.4
            )
        )
    for _ in range(n_per_style):
        base = rng.choice([_us_number(rng), fakes[rng.choice(locales)].phone_number()])
        base = re.sub(r"\s*(x|ext\.?)\s*\d+$", "", base)
        template = rng.choice(STYLE_TEMPLATES["form"] + STYLE_TEMPLATES["clinical lower"])
        out.append(_record(template, base + _extension(rng), "with extension", upper=rng.random() < 0.3))
    for _ in range(n_per_style):
        template = rng.choice(STYLE_TEMPLATES["plain"] + STYLE_TEMPLATES["chat"] + STYLE_TEMPLATES["form"])
        locale = rng.choice(locales)
        out.append(_record(template, _international(rng, fakes[locale], locale), "international"))
    glue = ("tel:{}", "Ph#{}", "mob.{}", "TEL.{}", "Tel.:{}", "cell:{}", "PH#{}", "(tel){}", "Fax:{}", "T:{}")
    for _ in range(n_per_style):
        out.append(_record(rng.choice(glue), any_number(), "glued"))
    for _ in range(n_per_style):
        out.append(
            _record(rng.choice(STYLE_TEMPLATES["clinical upper"]), _us_number(rng), "us clinical", True)
        )
    for i, record in enumerate(out):
        record["id"] = f"phone-{i}"
    return out


def hard_negatives(n_per_kind: int = 40, seed: int = 11) -> list[dict]:
    """Numbers of clinical notes, forms and chat that are not phones, one record each.

    Every record has no PHONE_NUMBER span; `kind` says what the number is. Ids of another type
    (MRN, order numbers) may be redacted as that type, never typed as a phone.
    """
    rng = random.Random(seed)
    r = rng.randrange

    def pick(*options: str) -> str:
        return rng.choice(options)

    makers = {
        "date": lambda: pick(
            f"ADMITTED {r(1, 13)}/{r(1, 29)}/{r(90, 100)}",
            f"f/u {r(1, 13)}/{r(1, 29)}",
            f"seen {r(1, 29)}.{r(1, 13)}.{r(1990, 2025)}",
            f"DOB: {r(1940, 2010)}-{r(1, 13):02d}-{r(1, 29):02d}",
            f"on {r(1, 13):02d}/{r(1, 29):02d}/{r(1950, 2025)} and {r(1, 13):02d}/{r(1, 29):02d}",
        ),
        "time": lambda: pick(
            f"at {r(0, 24):02d}:{r(0, 60):02d}",
            f"{r(1, 13)}:{r(10, 60)} pm",
            f"from 0{r(7, 10)}00 to {r(12, 20)}00",
        ),
        "dosage": lambda: pick(
            f"{r(1, 50)} mg q{r(2, 9)}h",
            f"METOPROLOL {r(12, 100)} MG PO BID",
            f"heparin {r(1000, 25000)} units/hr",
            f"NS @ {r(50, 200)} ml/hr",
            f"insulin {r(2, 20)}u sc",
            f"{r(1, 5)} tab po q{r(4, 12)}h prn",
        ),
        "vitals": lambda: pick(
            f"BP {r(90, 180)}/{r(50, 110)}",
            f"HR {r(50, 140)} RR {r(12, 30)} SpO2 {r(88, 100)}%",
            f"T {r(36, 40)}.{r(0, 10)} P {r(50, 130)} BP {r(90, 180)}/{r(50, 110)}",
            f"VS: {r(90, 180)}/{r(50, 110)}, {r(50, 130)}, {r(12, 30)}, {r(95, 100)}%",
            f"I/O {r(500, 3000)}/{r(500, 3000)}",
        ),
        "lab values": lambda: pick(
            f"Na {r(130, 150)} K {r(3, 6)}.{r(0, 10)} Cl {r(95, 110)} HCO3 {r(18, 30)} BUN {r(5, 60)}",
            f"WBC {r(3, 20)}.{r(0, 10)} HGB {r(7, 16)}.{r(0, 10)} PLT {r(100, 450)}",
            f"glucose {r(70, 400)}, INR {r(1, 4)}.{r(0, 10)}",
            f"ABG {r(7, 8)}.{r(30, 50)}/{r(30, 60)}/{r(60, 120)}",
            f"PLT {r(100, 450)}K, trop {r(0, 1)}.{r(0, 99):02d}",
        ),
        "record id": lambda: pick(
            f"MRN {r(1000000, 99999999)}",
            f"MR# {r(100000, 9999999)}",
            f"Acct #{r(10000000, 999999999)}",
            f"Order {r(1000000, 99999999)}",
            f"Invoice no. {r(100000, 9999999)}",
            f"Ticket #{r(100000, 999999)}",
            f"Claim {r(10, 99)}-{r(100000, 999999)}",
            f"Tracking 1Z{r(10**9, 10**10)}",
        ),
        "money": lambda: pick(
            f"${r(1, 99)},{r(100, 999)}.{r(10, 99)}",
            f"{r(1, 999)} {r(100, 999)} EUR",
            f"paid {r(1000, 99999)}.{r(10, 99)} USD",
            f"£{r(1, 999)},{r(100, 999)}",
            f"total: {r(1, 9)}.{r(100, 999)}.{r(100, 999)} kr",
        ),
        "postal code": lambda: pick(
            f"Boston MA {r(1000, 2800):05d}",
            f"{r(10000, 99999)} Berlin",
            f"zip {r(10000, 99999)}-{r(1000, 9999)}",
            f"CP {r(1000, 52999):05d} Madrid",
        ),
        "year/range": lambda: pick(
            f"S/P MI '{r(80, 100)}",
            f"in {r(1950, 2025)}",
            f"{r(1950, 2000)}-{r(2001, 2025)}",
            f"ages {r(20, 40)}-{r(41, 80)}",
            f"{r(2, 10)}-{r(11, 20)} cm",
            f"pages {r(100, 500)}-{r(501, 900)}",
            f"{r(1990, 2010)} {r(2011, 2020)} {r(2021, 2026)}",
        ),
        "version/other": lambda: pick(
            f"v{r(1, 20)}.{r(0, 30)}.{r(0, 200)}",
            f"{r(1, 255)}.{r(0, 255)}.{r(0, 255)}.{r(1, 255)}",
            f"room {r(100, 999)}, bed {r(1, 4)}",
            f"{r(1, 20)} x {r(1, 20)} x {r(1, 20)} cm",
            f"score {r(0, 15)}/{r(15, 16)}",
            f"GCS {r(3, 15)}, APGAR {r(1, 10)}/{r(1, 10)}",
            f"{r(10000, 99999)} steps",
        ),
    }
    carriers = ("{}", "NOTED {} THIS AM", "pt {} overnight", "Result: {}.", "see {} in chart")
    out: list[dict] = []
    for kind, make in makers.items():
        for _ in range(n_per_kind):
            carrier = rng.choice(carriers)
            text = carrier.format(make())
            if carrier.isupper():
                text = text.upper()
            out.append({"text": text, "spans": [], "kind": kind})
    for i, record in enumerate(out):
        record["id"] = f"not-phone-{i}"
    return out


# --- styles that leaked from the default policy (styled_phones_more, hard_negatives_more) ------
#
# Drawn with their own random generator, so that adding them leaves the records above unchanged.
# `local 8-digit`: the last eight digits of a Faker number of a country with 8-digit local numbers
# (Denmark, Norway, the Baltics, Australia's local part...), written `9380 6377` or `9822-3749`,
# followed or preceded by an ordinary word. `national abroad`: valid Faker numbers of countries
# outside the policy's regions (US, GB, FR), national format, area code in parentheses, a dash after
# the area code (`06-12345678`), in pairs with dots (`06.12.34.56.78`), with an extension or a
# country prefix, in plain sentences. `cue sentence`: phones after a cue (`tel`, `ph`, `mob`,
# `cell`, `whatsapp`, `reach me at`, `my number is`) in a sentence, lower and upper case.

EIGHT_DIGIT_LOCALES = "da_DK no_NO lv_LV lt_LT en_AU sl_SI hr_HR zh_TW en_NZ de_AT".split()
ABROAD_LOCALES = tuple(
    loc for loc in ALL_LOCALES if loc.split("_")[1] not in ("US", "GB", "FR") and loc != "fr_CA"
)
LOCAL_EIGHT_TEMPLATES = (
    "{} office",
    "registered {}",
    "call {} after 5",
    "{} home, after 6",
    "Jo on {} weekdays",
    "new no. {} from Monday",
    "Ask for Jo at {} tomorrow.",
    "{} (reception) if urgent",
)
ABROAD_TEMPLATES = (
    "Please dial {} tonight.",
    "He said {} is fine.",
    "Ring {} later.",
    "Send to {} asap.",
    "or {} at home",
    "Write {} down.",
    "Her sister: {}, weekends only.",
    "{} is the clinic's number.",
)
CUE_TEMPLATES = (
    "tel {} if late",
    "ph {} anytime",
    "mob {} (wife)",
    "cell {} after work",
    "whatsapp {} for the photos",
    "you can reach me at {} tonight",
    "my number is {} thanks",
    "pls reach me at {}, Ana",
)


def _local_eight(rng: random.Random, fake: Faker) -> str:
    digits = re.sub(r"\D", "", fake.phone_number())[-8:].rjust(8, "5")
    digits = str(rng.randrange(2, 10)) + digits[1:] if digits[0] in "01" else digits
    return rng.choice([f"{digits[:4]} {digits[4:]}", f"{digits[:4]}-{digits[4:]}"])


def _abroad(rng: random.Random, fake: Faker, locale: str) -> str | None:
    """A valid Faker number of the locale as written at home (or dialled from abroad); None when
    the locale's Faker gave none in 20 draws."""
    import phonenumbers

    region = locale.split("_")[1]
    for _ in range(20):
        try:
            number = phonenumbers.parse(fake.phone_number(), region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and number.country_code not in (1, 33, 44):
            break  # some locales' Faker writes US numbers: those are not from abroad
    else:
        return None
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    digits = re.sub(r"\D", "", national)
    choice = rng.randrange(7)
    area, _, rest = national.partition(" ")
    if choice == 1 and re.fullmatch(r"0\d{1,4}", area):
        return f"({area}) {rest}"
    if choice == 2 and digits.startswith("0"):
        return f"{digits[:2]}-{digits[2:]}" if len(digits) == 10 else f"{digits[:4]}-{digits[4:]}"
    if choice == 3 and len(digits) == 10:
        return ".".join(digits[i : i + 2] for i in range(0, 10, 2))
    if choice == 4:
        ext = "".join(str(rng.randrange(10)) for _ in range(rng.randrange(2, 5)))
        return national + rng.choice([f" ext. {ext}", f" x{ext}", f" ext {ext}"])
    if choice == 5:
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return shown if rng.random() < 0.5 else "00" + shown[1:]
    return national


def styled_phones_more(n_per_style: int = 80, seed: int = 11) -> list[dict]:
    """Records of the styles `local 8-digit`, `national abroad` and `cue sentence` (see above)."""
    rng = random.Random(seed * 7919)
    fakes = {}
    for locale in sorted(set(EIGHT_DIGIT_LOCALES) | set(ABROAD_LOCALES)):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + 500 + ALL_LOCALES.index(locale))
        try:
            fake.phone_number()
        except AttributeError:
            continue
        fakes[locale] = fake
    eight = [loc for loc in EIGHT_DIGIT_LOCALES if loc in fakes]
    abroad = [loc for loc in ABROAD_LOCALES if loc in fakes]

    def abroad_number() -> str:
        while True:
            locale = rng.choice(abroad)
            value = _abroad(rng, fakes[locale], locale)
            if value is not None:
                return value

    out: list[dict] = []
    for _ in range(n_per_style):
        value = _local_eight(rng, fakes[rng.choice(eight)])
        out.append(_record(rng.choice(LOCAL_EIGHT_TEMPLATES), value, "local 8-digit", rng.random() < 0.25))
    for _ in range(n_per_style):
        value = abroad_number()
        out.append(_record(rng.choice(ABROAD_TEMPLATES), value, "national abroad", rng.random() < 0.2))
    for _ in range(n_per_style):
        if rng.random() < 0.3:
            value = _local_eight(rng, fakes[rng.choice(eight)])
        else:
            value = abroad_number()
        out.append(_record(rng.choice(CUE_TEMPLATES), value, "cue sentence", rng.random() < 0.5))
    for i, record in enumerate(out):
        record["id"] = f"phone-more-{i}"
    return out


def hard_negatives_more(n_per_kind: int = 40, seed: int = 11) -> list[dict]:
    """Numbers shaped like the styles above that are not phones: dates and times in groups, ids
    with letters, ISBNs, postal codes, ids after `order`/`invoice`/`ref` in 4+4 digits, year
    ranges, measures and amounts in two groups of four."""
    rng = random.Random(seed * 7927)
    r = rng.randrange

    def pick(*options: str) -> str:
        return rng.choice(options)

    def four() -> str:
        return str(r(2000, 10000))

    makers = {
        "grouped date": lambda: pick(
            f"{r(1990, 2030)} {r(1, 13):02d} {r(1, 29):02d}",
            f"{r(1, 29):02d}.{r(1, 13):02d}.{r(1990, 2030)}",
            f"{r(1, 29):02d} {r(1, 13):02d} {r(1990, 2030)}",
            f"{r(1990, 2030)}.{r(1, 13):02d}.{r(1, 29):02d}",
            f"{r(1, 29):02d}-{r(1, 13):02d}-{r(1990, 2030)}",
        ),
        "time range": lambda: pick(
            f"open {r(6, 10):02d}{pick('00', '30')}-{r(16, 23)}{pick('00', '30')}",
            f"{r(7, 10):02d}:{r(0, 6)}0 - {r(16, 21)}:{r(0, 6)}0",
            f"shift {r(19, 23)}00 {r(5, 9):02d}00",
            f"at {r(1, 13)}.{r(0, 6)}0 pm",
        ),
        "id with letters": lambda: pick(
            f"AB{r(10, 99)} {four()} {four()}",
            f"REF-{r(1990, 2030)}-{r(1, 9999):04d}",
            f"X{r(10, 99)} {r(1000, 9999)} {r(100, 999)}",
            f"DE{r(10, 99)} {four()} {four()} {four()} {four()} {r(10, 99)}",
            f"PO-{four()}-{four()}",
        ),
        "isbn": lambda: pick(
            f"ISBN 978-{r(0, 9)}-{r(10, 99)}-{r(100000, 999999)}-{r(0, 9)}",
            f"ISBN {r(0, 9)}-{r(100, 999)}-{r(10000, 99999)}-{r(0, 9)}",
            f"isbn 978{r(1000000000, 9999999999)}",
        ),
        "postal code abroad": lambda: pick(
            f"{r(1000, 9999)} Wien",
            f"{r(1000, 9999)} Zürich",
            f"{r(1000, 9999)} {pick('AB', 'KL', 'XZ')} Amsterdam",
            f"{r(10, 99)}-{r(100, 999)} Warszawa",
            f"{r(10000, 99999)} Berlin",
            f"{r(100, 999)} {r(10, 99)} Stockholm",
            f"{r(1000, 9999)} København",
        ),
        "order/invoice/ref": lambda: pick(
            f"order {four()} {four()}",
            f"invoice {four()}-{four()}",
            f"ref {four()} {four()}",
            f"Order no. {four()}-{four()}",
            f"INVOICE {four()}{four()}",
            f"ref. {four()} {four()} {r(10, 99)}",
        ),
        "year span": lambda: pick(
            f"{r(1950, 2000)}-{r(2001, 2025)}",
            f"{r(1950, 2000)} - {r(2001, 2025)}",
            f"between {r(1950, 2000)} and {r(2001, 2025)}",
            f"{r(1950, 2000)} {r(2001, 2025)}",
            f"pages {r(1000, 5000)}-{r(5001, 9000)}",
        ),
        "measure/amount": lambda: pick(
            f"{r(10, 50)}00-{r(51, 99)}00 mm",
            f"{r(10, 50)}00-{r(51, 99)}00 kcal",
            f"{r(2, 5)}500 - {r(6, 9)}000 rpm",
            f"EUR {r(2, 9)}500-{r(10, 20)}000",
            f"{r(1, 99)} {r(100, 999)} {r(100, 999)} kr",
            f"{r(1, 9)}.{r(100, 999)}.{r(100, 999)},{r(10, 99)}",
        ),
    }
    carriers = ("{}", "The value was {} yesterday.", "see {} in the file", "NOTED {} THIS AM", "on {} we met")
    out: list[dict] = []
    for kind, make in makers.items():
        for _ in range(n_per_kind):
            carrier = rng.choice(carriers)
            text = carrier.format(make())
            out.append({"text": text.upper() if carrier.isupper() else text, "spans": [], "kind": kind})
    for i, record in enumerate(out):
        record["id"] = f"not-phone-more-{i}"
    return out
