"""Postal codes where the context says they are one: US ZIP codes after a state, UK postcodes,
French codes before a town.

A five-digit number alone is an order number as often as a ZIP code, so digits count only after
a state ("Washington, DC 20500"), a label ("zip 10001", "code postal 75002") or before a town at
the start of a line or after a comma ("75002 Paris"). UK postcodes have a shape of their own; a
free-standing one counts when its area is a real postcode area ("NW1 6XE", "SW1A 1AA"), any
postcode-shaped token when it ends a line of an address block. Only the code is reported: the
state or town around it is the concern of the address and location recognizers.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from . import register
from .declared import DeclaredPatternRecognizer
from .street_address import STATE, STREET_TYPE, TOWN, UK_POSTCODE_SHAPE, ZIP, alternation

# Royal Mail postcode areas.
_UK_AREAS = """
AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC
EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS
LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP
SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
"""
_UK_AREA = alternation(_UK_AREAS.split())
# Inward codes never use C, I, K, M, O or V.
_UK_POSTCODE = rf"(?:(?:{_UK_AREA})\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{{2}}|GIR[ \t]?0AA)(?![\w-])"

# French postal codes start with a department number: 01-95, 97x overseas, 98x Monaco/Pacific.
_FR_CODE = r"(?:0[1-9]|[1-8]\d|9[0-5]|97[1-8]|98\d)\d{3}(?![\w-])"
# Capitalized words after five digits that are no town: "15000 Euros", "12000 People"; nor is a
# street ("12345 Main Street", a US house number).
_NOT_A_TOWN = (
    "euros?|eur|dollars?|usd|gbp|chf|francs?|livres?|km|kg|habitants|personnes|people|users|"
    "clients|customers|points|pages|mots|words|fois|times|ans|years|jours|days|heures|hours"
)
_TOWN_WORD = r"(?!(?i:cedex)\b)\p{Lu}[\p{L}\p{M}'’-]*"
_TOWN_FR = (
    rf"{_TOWN_WORD}(?:[ \t]+(?:(?i:sur|sous|en|lès|les|le|la|de|du|des|aux|au)[ \t]+)?{_TOWN_WORD}){{0,3}}"
)
_LINE_END = r"[ \t]*(?:[,.;)]|\r?\n|$)"
_LABEL = (
    r"(?i:\b(?:zip(?:[ \t]*code)?|postal[ \t]*code|post[ \t]*code|postcode|code[ \t]+postal|cp))"
    r"[ \t]*(?:[:#=]|(?i:is)|(?i:no)\.?)?[ \t]*"
)


@register("postal_code")
class PostalCodeRecognizer(DeclaredPatternRecognizer):
    """US ZIP and ZIP+4, UK postcodes and French codes, in context."""

    ENTITY = "POSTAL_CODE"
    NAME = "postal_code"
    FLAGS = re.DOTALL | re.MULTILINE
    PATTERNS = [
        Pattern(
            "US ZIP after town and state",
            rf"(?=\d{{5}})(?<=\p{{L}}\.?[ \t]*,[ \t]*{STATE}[ \t]+|(?:^|\n)[ \t]*{TOWN}[ \t]+{STATE}[ \t]+)"
            rf"{ZIP}",
            0.6,
        ),
        Pattern(
            "US military ZIP",
            rf"(?=\d{{5}})(?<=\b(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+){ZIP}",
            0.6,
        ),
        Pattern(
            "labelled postal code",
            rf"\b(?=\d{{4}}|[A-Za-z]{{1,2}}\d)(?<![\w-])(?<={_LABEL})(?:{ZIP}|{UK_POSTCODE_SHAPE}|\d{{4,5}}(?![\w-]))",
            0.7,
        ),
        Pattern("UK postcode", rf"\b(?<![\w-]){_UK_POSTCODE}", 0.6),
        Pattern(
            "UK postcode ending a block line",
            rf"\b(?=[A-Za-z]{{1,2}}\d)(?<![\w-])(?<=\p{{L}}\.?[ \t]*[,\n][ \t]*(?:{TOWN}[ \t]+)?)"
            rf"{UK_POSTCODE_SHAPE}(?={_LINE_END})",
            0.5,
        ),
        Pattern(
            "French postal code + town",
            rf"(?=\d{{5}}[ \t])(?<=(?:^|[,;:(\n]|\b(?i:à))[ \t]*){_FR_CODE}"
            rf"(?=[ \t]+(?!(?i:{_NOT_A_TOWN})(?![\w-]))"
            rf"(?!(?:{_TOWN_WORD}[ \t]+){{0,3}}{STREET_TYPE}{_LINE_END})"
            rf"{_TOWN_FR}(?:[ \t]+(?i:cedex)(?:[ \t]+\d{{1,2}})?)?{_LINE_END})",
            0.6,
        ),
    ]
    CONTEXT = ["zip", "postcode", "postal", "address", "adresse"]
