"""Street addresses in the forms international text writes them, and numbers that are no address.

A second tuning set for `redaction/recognizers/street_address.py` (`benchmarks/address_forms.py`),
beside `addresses.py`, for the styles that one lacks: multi-line blocks after a name line (a line
prefix such as `}} ` or leading spaces, a unit on its own line, a postcode after the country on
the last line), a building or PO number before the house number (`42486 Stensås terrasse 38`),
streets with no street-type word after a location cue (`lives on Grammova 8`), the locales' own
one-line forms (Cyrillic `ул.`/`д.`, Greek, Hebrew, Vietnamese, Korean, Hungarian, Romanian,
Italian `Appartamento`), form values (`Ship To:`, `address=`, a `| Address |` cell), street
corners, and a country name closing the address. A second part (`MORE_STYLES`, its own random
stream so the first part stays as it was) adds whole blocks in UPPER and lower case, Canadian
French streets (`montée`, `allée`, `allé`) with a province code and postal code, Argentine
`Diagonal 190 A N° 310 Dto. 2`, `Blv.`/`Blvd` types, Indian `H.No. 12-3-45`, Vietnamese
`Số 4/96`, a province code in brackets with the sentence going on, `at the corner of X and Y`
naming two streets, and UPPER CASE sentences whose words after the address (`NOW`, `COME BY`)
are no town, and the name-first national forms of pt_PT, pt_BR, it_IT, sl_SI, sk_SK, hu_HU, uk_UA
and he_IL (`Av Alves, S/N`, `Na medzi 78, 099 12 Divín`, `сквер ..., буд. 5`).
Values come from Faker's address providers of the locales below; none is real.

Labels follow what is personal data: the street, unit, town and postcode lines are
STREET_ADDRESS; **a country name is not** (it is left outside the spans, so removing it counts as
a non-PII word lost). Where a postcode follows the country (`Norway 69239`), it has a span of
its own. The negatives are sentences with numbers and capitalized words, some after the same
location cues (`The flight arrived at Gate 12`), that hold no PII at all, in upper and lower case too.
"""

from __future__ import annotations

import random

from faker import Faker

# Locales whose `street_address()` is a name and a number with no street-type word.
BARE_LOCALES = "sk_SK cs_CZ hr_HR sl_SI no_NO sv_SE fi_FI da_DK nl_NL el_GR he_IL et_EE de_DE".split()
LOCALES = (
    "en_US en_GB en_AU en_IE en_NZ en_CA de_DE de_AT nl_NL da_DK no_NO sv_SE fi_FI it_IT es_ES pt_PT "
    "pt_BR pl_PL cs_CZ sk_SK sl_SI hr_HR hu_HU ro_RO el_GR ru_RU uk_UA bg_BG vi_VN ko_KR he_IL et_EE "
    "fr_FR fr_CH"
).split()
# English country names and the native ones the blocks end with (upper case too).
COUNTRIES = {
    "en_US": ("United States", "USA"), "en_GB": ("United Kingdom", "UK"), "en_AU": ("Australia",),
    "en_IE": ("Ireland",), "en_NZ": ("New Zealand",), "en_CA": ("Canada",),
    "de_DE": ("Germany", "Deutschland"), "de_AT": ("Austria", "Österreich"),
    "nl_NL": ("Netherlands", "Nederland"), "da_DK": ("Denmark", "Danmark"), "no_NO": ("Norway", "Norge"),
    "sv_SE": ("Sweden", "Sverige"), "fi_FI": ("Finland", "Suomi"), "it_IT": ("Italy", "Italia"),
    "es_ES": ("Spain", "España"), "pt_PT": ("Portugal",), "pt_BR": ("Brazil", "Brasil"),
    "pl_PL": ("Poland", "Polska"), "cs_CZ": ("Czech Republic", "Czechia", "Česko"),
    "sk_SK": ("Slovakia", "Slovensko"), "sl_SI": ("Slovenia", "Slovenija"), "hr_HR": ("Croatia", "Hrvatska"),
    "hu_HU": ("Hungary", "Magyarország"), "ro_RO": ("Romania", "România"), "el_GR": ("Greece", "Ελλάδα"),
    "ru_RU": ("Russia", "Россия"), "uk_UA": ("Ukraine", "Україна"), "bg_BG": ("Bulgaria", "България"),
    "vi_VN": ("Vietnam", "Việt Nam"), "ko_KR": ("South Korea", "Korea"), "he_IL": ("Israel",),
    "et_EE": ("Estonia", "Eesti"), "fr_FR": ("France",), "fr_CH": ("Switzerland", "Suisse"),
}  # fmt: skip
UNITS = ("Apt. {n}", "Suite {n}", "Unit {n}", "Flat {n}", "Apt {n}", "Appartamento {n}", "Ap. {n}")
NAME_PREFIXES = ("", "", "}} ", "??? ", "  ", "> ", "\t")
CUES = (
    "She lives on {}.",
    "My brother lives at {} now.",
    "The clinic is at {}, second door.",
    "Their shop is on {} since May.",
    "our new place is {} come by",
    "The warehouse is located at {}.",
    "The letter was sent to {} last week.",
    "The courier arrived at {} at noon.",
    "We parked on the north side of {}.",
)
FORM_LABELS = ("Ship To: {}", "Address: {}", "address={}", "| Address | {} |", "Shipping Address: {}")
SENTENCE_TAILS = ("Please write to {}.", "The parcel goes to {}.", "I now live at {}.")
NEGATIVES = (
    "The seminar is in room 8.21, floor 34.",
    "Order Part no. 1825-452-79 and Part no. 2210-118-04 before Friday.",
    "Boarding closes at gate 65 at 9:40.",
    "The flight arrived at Gate 12 ten minutes early.",
    "The meeting is at 10 tomorrow, the review is on Monday 14.",
    "Product code XR 4410 and SKU 88120-B are out of stock.",
    "She lives on 3 continents a year for work.",
    "The report was sent to Team 4 and Group 12.",
    "The server is located at Rack 17, slot 3.",
    "He arrived at Level 5 after 30 minutes.",
    "Version 12 is on Channel 4 tonight.",
    "Model 7493 ships with 9 sensors and 2 cables.",
    "We are at Stage 2 of 5, Phase 3 starts in June.",
    "The recipe needs 250 grams of flour and 3 eggs.",
    "Our score is at 42 points, theirs is on 38.",
    "Call center queue 88072 has 79 waiting callers.",
    "Table 12 shows Figure 3 and Chapter 4 covers the rest.",
    "Windows 11 and Office 365 were installed on 40 laptops.",
    "Invoice 2024-118 was paid on 12 March 2024.",
    "The new place is Berlin, the old one was Paris.",
    "Temperature is at 21 C, humidity at 45 percent.",
    "Bus 42 leaves from Platform 3 every 15 minutes.",
    "The article is on Page 14 of Issue 7.",
    "The shop sold 120 Galaxy S23 and 80 Pixel 8 phones.",
    "Room 4.12 on Floor 3 is booked.",
    "WE SOLD 12 UNITS SINCE MAY.",
    "CALL ME AT 5 TODAY, THE MEETING IS IN ROOM 12 NOW.",
    "THE 3 BOXES ARE HERE NOW, COME BY.",
    "ORDER 4471 SHIPS TODAY FROM GATE 2.",
    "we need 4 chairs and 2 tables by friday.",
    "the score was 190 to 310 in round 2.",
    "At the corner of the page and the margin there are 2 notes.",
    "We met at 10 at the corner of the park and the lake.",
    "Set the switch to 3 (ON) and wait 20 seconds.",
    "Chapter 4/96 covers the rest of the survey.",
    "The kit ships with 12 bolts, 4 nuts and 2 manuals.",
    "LEVEL 3 IS OPEN SINCE MAY, COME BY.",
    "The Diagonal 2 model costs 310 dollars.",
    "She scored 12-3-45 in the three sets.",
    "Pot roast tonight, 2 plates at 19.",
    "Na, I can't, maybe on Monday 14.",
    "Av. speed 40 km/h on the 12 km loop.",
    "Ob 3 Uhr oder 4, egal.",
    "Stretto 4 is the hardest passage, bar 74.",
    "Parque 3 is closed until May 12.",
    "Esplanada 2 has 40 seats.",
)


def _unit(rng: random.Random) -> str:
    return rng.choice(UNITS).format(n=rng.randrange(1, 600))


def _bare_street(fake: Faker, locale: str) -> str:
    """A street written as the locale writes it; a name and a number for the bare locales."""
    return fake.street_address().replace("\n", ", ").strip(" ,")


def _country(rng: random.Random, locale: str) -> str:
    country = rng.choice(COUNTRIES[locale])
    return country.upper() if rng.random() < 0.2 else country


class _Record:
    """A text grown piece by piece, with the spans of the pieces that are PII."""

    def __init__(self) -> None:
        self.text = ""
        self.spans: list[dict] = []

    def add(self, piece: str, kind: str | None = None) -> None:
        if kind:
            self.spans.append({"start": len(self.text), "end": len(self.text) + len(piece), "type": kind})
        self.text += piece

    def open(self) -> int:
        return len(self.text)

    def close(self, start: int) -> None:
        """One STREET_ADDRESS span from `start` to here (trailing spaces left out)."""
        end = len(self.text.rstrip(" \t"))
        if end > start:
            self.spans.append({"start": start, "end": end, "type": "STREET_ADDRESS"})


def _block(fake: Faker, rng: random.Random, locale: str) -> _Record:
    prefix = rng.choice(NAME_PREFIXES)
    rec = _Record()
    rec.add(prefix)
    rec.add(fake.name(), "PERSON")
    rec.add("\n")
    start = rec.open()
    street = _bare_street(fake, locale)
    if rng.random() < 0.25:
        street = f"{rng.randrange(1000, 99999)} {street}"
    rec.add(prefix + street)
    if rng.random() < 0.5:
        rec.add("\n" + prefix + _unit(rng))
    town = rng.choice((f"{fake.postcode()} {fake.city()}", fake.city(), f"{fake.city()}, {fake.postcode()}"))
    rec.add("\n" + prefix + town)
    kind = rng.random()
    if kind < 0.35:
        rec.close(start)
        rec.add("\n" + prefix + _country(rng, locale) + " ")
        rec.add(str(rng.randrange(10000, 99999)), "STREET_ADDRESS")
    elif kind < 0.7:
        rec.close(start)
        rec.add("\n" + prefix + _country(rng, locale))
    else:
        rec.close(start)
    rec.add(rng.choice(("", "\n", "\n\nThanks,\nthe team")))
    return rec


def _cue(fake: Faker, rng: random.Random, locale: str) -> _Record:
    street = (
        _bare_street(fake, locale)
        if locale in BARE_LOCALES
        else f"{fake.street_name()} {fake.building_number()}".strip()
    )
    before, after = rng.choice(CUES).split("{}")
    rec = _Record()
    rec.add(before)
    rec.add(street, "STREET_ADDRESS")
    rec.add(after)
    return rec


def _leading_number(fake: Faker, rng: random.Random, locale: str) -> _Record:
    street = _bare_street(fake, locale)
    value = f"{rng.randrange(100, 99999)} {street}"
    before, after = rng.choice(SENTENCE_TAILS).split("{}")
    rec = _Record()
    rec.add(before)
    rec.add(value, "STREET_ADDRESS")
    rec.add(after)
    return rec


def _form(fake: Faker, rng: random.Random, locale: str) -> _Record:
    street = _bare_street(fake, locale)
    if rng.random() < 0.4:
        street += rng.choice((" ", ", ")) + _unit(rng)
    value = f"{street}, {fake.postcode()}, {fake.city()}"
    label = rng.choice(FORM_LABELS)
    before, after = label.split("{}")
    rec = _Record()
    rec.add(before)
    rec.add(value, "STREET_ADDRESS")
    if rng.random() < 0.3:
        rec.add(", " + _country(rng, locale))
    rec.add(after)
    rec.add(rng.choice(("", "\nPhone: see below", "\n| City | see above |")))
    return rec


def _native(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """The locale's whole address on one line, in a sentence, with a country after it or not."""
    value = ", ".join(line.strip(" ,") for line in fake.address().split("\n") if line.strip(" ,"))
    rec = _Record()
    rec.add(rng.choice(("Our address: ", "Delivery to ", "The office is at ", "Адрес: ", "")))
    rec.add(value, "STREET_ADDRESS")
    if rng.random() < 0.4:
        country = _country(rng, locale)
        rec.add(f" ({country})" if rng.random() < 0.4 else f", {country}")
    rec.add(".")
    return rec


def _corner(fake: Faker, rng: random.Random, locale: str) -> _Record:
    rec = _Record()
    rec.add("The accident happened at the corner of ")
    start = rec.open()
    rec.add(f"{fake.building_number()} {fake.street_name()} and {fake.street_name()}")
    rec.close(start)
    rec.add(" last night.")
    return rec


STYLES = {
    "block": _block,
    "cue": _cue,
    "leading number": _leading_number,
    "form": _form,
    "native": _native,
    "corner": _corner,
}


def address_forms(n_per_locale: int = 18, seed: int = 13) -> list[dict]:
    """Labelled records, `n_per_locale` per locale, the styles in turn."""
    rng = random.Random(seed)
    out = []
    names = list(STYLES)
    for index, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + index)
        for i in range(n_per_locale):
            style = names[i % len(names)]
            if style == "corner" and not locale.startswith("en"):
                style = "cue"
            rec = STYLES[style](fake, rng, locale)
            out.append(
                {
                    "id": f"{locale}-{i}",
                    "text": rec.text,
                    "spans": rec.spans,
                    "language": "en",
                    "style": style,
                    "locale": locale,
                }
            )
    return out


# --- second part: styles added later, drawn from a random stream of their own ---------------
MORE_LOCALES = "fr_CA es_AR en_IN ro_RO sl_SI vi_VN he_IL".split()
CASE_LOCALES = "en_US en_CA fr_CA en_GB es_AR en_IN ro_RO sl_SI de_DE".split()
CA_FR_TYPES = ("montée", "allée", "allé", "rue", "chemin", "rang")
UPPER_TAILS = (
    "MY BROTHER LIVES AT {} NOW.",
    "THEIR SHOP IS ON {} SINCE MAY.",
    "OUR NEW PLACE IS {} COME BY",
    "THE PARTY IS AT {} TODAY.",
    "SEND IT TO {} TODAY PLEASE.",
)
BRACKET_TAILS = (" last spring.", " since 2019, she says.", " and has a blue door.", ", near the school.")


def _lines(address: str) -> list[str]:
    return [line.strip(" ,") for line in address.split("\n") if line.strip(" ,")]


def _joined(rng: random.Random, address: str) -> str:
    return rng.choice((", ", "\n")).join(_lines(address))


def _in_text(before: str, value: str, after: str) -> _Record:
    rec = _Record()
    rec.add(before)
    rec.add(value, "STREET_ADDRESS")
    rec.add(after)
    return rec


def _named_block(fake: Faker, value: str) -> _Record:
    rec = _Record()
    rec.add(fake.name(), "PERSON")
    rec.add("\n")
    rec.add(value, "STREET_ADDRESS")
    rec.add("\n")
    return rec


def _locale_lines(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """The locale's `address()` as a block after a name line, or on one line in a sentence."""
    if rng.random() < 0.5:
        return _named_block(fake, "\n".join(_lines(fake.address())))
    return _in_text("Our address: ", ", ".join(_lines(fake.address())), ".")


def _cased(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """A whole block, name line included, in UPPER or lower case (cased before the spans are
    taken: "ß" is "SS" in upper case)."""
    value = "\n".join(_lines(fake.address()))
    name = fake.name()
    case = str.upper if rng.random() < 0.5 else str.lower
    rec = _Record()
    rec.add(case(name), "PERSON")
    rec.add("\n")
    rec.add(case(value), "STREET_ADDRESS")
    rec.add("\n")
    return rec


def _ca_fr(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """`1777 montée Poirier, Lavoie QC H2X 1Y4`, also `..., lavoie, ab j2y 4n3` in lower case."""
    name = rng.choice((fake.last_name, fake.first_name))()
    street = f"{fake.building_number()} {rng.choice(CA_FR_TYPES)} {name}"
    town, code, postcode = fake.city(), fake.province_abbr(), fake.postcode()
    value = rng.choice(
        (
            f"{street}, {town} {code} {postcode}",
            f"{street}\n{town} ({code}) {postcode}",
            f"{street}, {town}, {code} {postcode}",
        )
    )
    if rng.random() < 0.4:
        value = value.lower()
    if rng.random() < 0.5:
        return _named_block(fake, value)
    return _in_text(rng.choice(("Elle habite au ", "The office is at ", "Ship to: ")), value, ".")


def _ar(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """`Diagonal 190 A N° 310 Dto. 2`, `La Plata 1900, Buenos Aires`, or the locale's own lines."""
    if rng.random() < 0.5:
        street = (
            f"Diagonal {rng.randrange(1, 200)} {rng.choice('ABCDEF')} N° {fake.building_number()}"
            f" {fake.secondary_address()}"
        )
        value = f"{street}{rng.choice((', ', chr(10)))}{fake.city()} {fake.postcode()[:4]}, {fake.province()}"
    else:
        value = _joined(rng, fake.address())
    if rng.random() < 0.5:
        return _named_block(fake, value)
    return _in_text(rng.choice(("Vivo en ", "The shop is at ", "Dirección: ")), value, ".")


def _blvd(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """`812 Roberge Blvd`, `45 Hill Blv., Springfield, OH 44102`, `Blv. 7 N° 9476`."""
    kind = rng.choice(("Blvd", "Blvd.", "Blv.", "Blv", "BLVD"))
    us = Faker("en_US")
    us.seed_instance(rng.randrange(10**6))
    street = rng.choice(
        (
            f"{us.building_number()} {us.last_name()} {kind}",
            f"{us.building_number()} {us.last_name()} {kind}, {us.city()}, {us.state_abbr()} {us.zipcode()}",
            f"Blv. {us.last_name()} N° {rng.randrange(10, 9999)}",
        )
    )
    return _in_text(rng.choice(("They moved to ", "The office is at ", "Address: ")), street, " since May.")


def _in_hno(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """`H.No. 12-3-45, Sodhi Chowk, Bhagalpur-706690`, or the locale's own lines."""
    if rng.random() < 0.5:
        number = f"{rng.randrange(1, 40)}-{rng.randrange(1, 12)}-{rng.randrange(1, 400)}"
        town = f"{fake.city()}-{fake.postcode()}"
        value = f"H.No. {number}, {fake.street_name()}{rng.choice((', ', chr(10)))}{town}"
    else:
        value = _joined(rng, fake.address())
    if rng.random() < 0.5:
        return _named_block(fake, value)
    return _in_text(rng.choice(("He stays at ", "Deliver to ", "Address: ")), value, ".")


def _vn_so(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """`Số 4/96 đường Phan Văn Trị, Phường An Phú, tỉnh Bắc Ninh`: a marked, slashed number."""
    street = f"Số {rng.randrange(1, 99)}/{rng.randrange(1, 400)} {fake.street()}"
    value = f"{street}, {fake.administrative_unit()}" if rng.random() < 0.5 else street
    return _in_text(rng.choice(("Địa chỉ: ", "The shop is at ", "Our address: ", "")), value, ".")


def _bracket_province(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """`12 Oak Street, Toronto (ON) last spring.`: the sentence goes on after the code."""
    value = f"{fake.street_address()}, {fake.city()} ({fake.province_abbr()})"
    before = rng.choice(("She moved to ", "We live at ", "The shop at "))
    return _in_text(before, value, rng.choice(BRACKET_TAILS))


def _corner_names(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """`at the corner of Maple Avenue and Elm Street`: the phrase from the first street to the last."""
    value = f"{fake.street_name()} {rng.choice(('and', '&'))} {fake.street_name()}"
    before = rng.choice(
        ("The cafe is at the corner of ", "We met at the intersection of ", "at the corner of ")
    )
    return _in_text(before, value, rng.choice((" last night.", ", near the bank.", ".")))


def _upper_tail(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """UPPER CASE sentences: the words after the address (`NOW`, `COME BY`) are no town."""
    value = ", ".join(_lines(fake.street_address())).upper()
    if rng.random() < 0.4:
        value += f", {fake.city().upper()}"
    before, after = rng.choice(UPPER_TAILS).split("{}")
    return _in_text(before, value, after)


def _national(fake: Faker, rng: random.Random, locale: str) -> _Record:
    """The locale's `address()`, name first (`Av Rodrigues, S/N`, `Na medzi 78, 099 12 Divín`,
    `сквер Прохоровський, буд. 5, Олевськ, 40535`), as a block or on one line in a sentence."""
    lines = _lines(fake.address())
    if rng.random() < 0.5:
        return _named_block(fake, "\n".join(lines))
    return _in_text(rng.choice(("Our address: ", "Send it to ", "Ship To: ")), ", ".join(lines), ".")


MORE_STYLES = {
    "locale lines": (_locale_lines, MORE_LOCALES),
    "upper/lower": (_cased, CASE_LOCALES),
    "ca french": (_ca_fr, ("fr_CA",)),
    "argentine": (_ar, ("es_AR",)),
    "blvd": (_blvd, ("en_US",)),
    "indian h.no": (_in_hno, ("en_IN",)),
    "vietnamese số": (_vn_so, ("vi_VN",)),
    "province (XX)": (_bracket_province, ("en_CA",)),
    "corner names": (_corner_names, ("en_US", "en_GB", "en_CA", "en_AU")),
    "upper tail": (_upper_tail, ("en_US", "en_GB", "en_CA", "en_AU")),
    "pt/br natl": (_national, ("pt_PT", "pt_BR")),
    "it natl": (_national, ("it_IT",)),
    "sl/sk/hu natl": (_national, ("sl_SI", "sk_SK", "hu_HU")),
    "uk natl": (_national, ("uk_UA",)),
    "he natl": (_national, ("he_IL",)),
}


def more_address_forms(n_per_style: int = 24, seed: int = 29) -> list[dict]:
    """Labelled records of `MORE_STYLES`, `n_per_style` each, their locales in turn."""
    rng = random.Random(seed)
    out = []
    for s_index, (style, (make, locales)) in enumerate(MORE_STYLES.items()):
        fakes = {}
        for i in range(n_per_style):
            locale = locales[i % len(locales)]
            if locale not in fakes:
                fakes[locale] = Faker(locale)
                fakes[locale].seed_instance(seed * 1000 + s_index * 50 + len(fakes))
            rec = make(fakes[locale], rng, locale)
            out.append(
                {
                    "id": f"more-{style}-{i}",
                    "text": rec.text,
                    "spans": rec.spans,
                    "language": "en",
                    "style": style,
                    "locale": locale,
                }
            )
    return out


def non_addresses() -> list[dict]:
    """Sentences with numbers (some after location cues) that hold no PII (`spans` empty)."""
    return [
        {"id": f"neg-{i}", "text": text, "spans": [], "language": "en", "style": "negative"}
        for i, text in enumerate(NEGATIVES)
    ]
