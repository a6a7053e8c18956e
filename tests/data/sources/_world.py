"""Locales of the world sources: Faker locale, phone region, country name, and whether Faker
writes that country's own postal addresses (some locales fall back to US-style ones: those give
names and phones only)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker


@dataclass(frozen=True)
class Locale:
    code: str  # Faker locale
    region: str  # phonenumbers region
    country: str  # in English
    local_addresses: bool = True
    romanized: bool = False  # names written with Faker's romanized providers (ja_JP, zh_CN)
    country_fr: str = ""  # in French, for French carriers


LOCALES = (
    Locale("de_DE", "DE", "Germany", country_fr="Allemagne"),
    Locale("de_AT", "AT", "Austria", country_fr="Autriche"),
    Locale("de_CH", "CH", "Switzerland", country_fr="Suisse"),
    Locale("it_IT", "IT", "Italy", country_fr="Italie"),
    Locale("es_ES", "ES", "Spain", country_fr="Espagne"),
    Locale("es_AR", "AR", "Argentina", country_fr="Argentine"),
    Locale("pt_BR", "BR", "Brazil", country_fr="Brésil"),
    Locale("pt_PT", "PT", "Portugal", country_fr="Portugal"),
    Locale("pl_PL", "PL", "Poland", country_fr="Pologne"),
    Locale("cs_CZ", "CZ", "Czech Republic", country_fr="République tchèque"),
    Locale("sk_SK", "SK", "Slovakia", country_fr="Slovaquie"),
    Locale("sl_SI", "SI", "Slovenia", country_fr="Slovénie"),
    Locale("hr_HR", "HR", "Croatia", country_fr="Croatie"),
    Locale("hu_HU", "HU", "Hungary", country_fr="Hongrie"),
    Locale("ro_RO", "RO", "Romania", country_fr="Roumanie"),
    Locale("da_DK", "DK", "Denmark", country_fr="Danemark"),
    Locale("no_NO", "NO", "Norway", country_fr="Norvège"),
    Locale("sv_SE", "SE", "Sweden", country_fr="Suède"),
    Locale("fi_FI", "FI", "Finland", country_fr="Finlande"),
    Locale("nl_NL", "NL", "Netherlands", country_fr="Pays-Bas"),
    Locale("en_IE", "IE", "Ireland", country_fr="Irlande"),
    Locale("en_IN", "IN", "India", country_fr="Inde"),
    Locale("id_ID", "ID", "Indonesia", country_fr="Indonésie"),
    Locale("vi_VN", "VN", "Vietnam", country_fr="Viêt Nam"),
    Locale("el_GR", "GR", "Greece", country_fr="Grèce"),
    Locale("ru_RU", "RU", "Russia", country_fr="Russie"),
    Locale("uk_UA", "UA", "Ukraine", country_fr="Ukraine"),
    Locale("he_IL", "IL", "Israel", country_fr="Israël"),
    Locale("ko_KR", "KR", "South Korea", country_fr="Corée du Sud"),
    Locale("ja_JP", "JP", "Japan", local_addresses=False, romanized=True, country_fr="Japon"),
    Locale("zh_CN", "CN", "China", local_addresses=False, romanized=True, country_fr="Chine"),
    Locale("tr_TR", "TR", "Turkey", local_addresses=False, country_fr="Turquie"),
    Locale("et_EE", "EE", "Estonia", local_addresses=False, country_fr="Estonie"),
    Locale("lv_LV", "LV", "Latvia", local_addresses=False, country_fr="Lettonie"),
    Locale("lt_LT", "LT", "Lithuania", local_addresses=False, country_fr="Lituanie"),
)
# Scripts other than Latin: names and addresses in them are a share of the texts, not most.
NON_LATIN = frozenset({"el_GR", "ru_RU", "uk_UA", "he_IL", "ko_KR"})

FRENCH_LOCALES = (
    Locale("fr_FR", "FR", "France", country_fr="France"),
    Locale("fr_CH", "CH", "Switzerland", country_fr="Suisse"),
    Locale("fr_CA", "CA", "Canada", country_fr="Canada"),
    # Faker's fr_BE writes no Belgian addresses: built from fr_FR street names (see fr_world)
    Locale("fr_BE", "BE", "Belgium", local_addresses=False, country_fr="Belgique"),
)


def first_name(fake: Faker, locale: Locale) -> str:
    return fake.first_romanized_name() if locale.romanized else fake.first_name()


def last_name(fake: Faker, locale: Locale) -> str:
    return fake.last_romanized_name() if locale.romanized else fake.last_name()


FAMILY_FIRST = frozenset({"hu_HU", "ja_JP", "zh_CN", "ko_KR", "vi_VN"})


def full_name(fake: Faker, locale: Locale, rng: random.Random) -> str:
    first, last = first_name(fake, locale), last_name(fake, locale)
    if locale.code in FAMILY_FIRST and rng.random() < 0.5:
        return f"{last} {first}"  # family name first, as written at home
    return f"{first} {last}"


def latin_choice(rng: random.Random, pool=LOCALES, latin_share: float = 0.85) -> Locale:
    """A locale, mostly of a Latin-script country."""
    latin = [loc for loc in pool if loc.code not in NON_LATIN]
    other = [loc for loc in pool if loc.code in NON_LATIN]
    return rng.choice(latin if rng.random() < latin_share or not other else other)
