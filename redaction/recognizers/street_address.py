"""Street addresses in running text: a house number, a street name and a street-type word.

spaCy's small English model tags few street addresses and Presidio has no address recognizer,
so `12 Oak Street, Apt 4` would reach annotators whole. Issue 3 grows this into a measured
multi-format recognizer; this one covers the common US/UK "number name suffix [unit]" form.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from . import register
from .declared import DeclaredPatternRecognizer

# Street types: USPS Publication 28, appendix C1 (primary names and common abbreviations), plus
# UK forms. Kept apart from any generator's vocabulary so evaluation figures stay honest.
_USPS = """
allee alley ally aly anex annex anx arcade arc avenue av ave avn bayou byu beach bch bend bnd
bluff blf bluffs blfs bottom btm boulevard blvd branch br brnch bridge brg brook brk brooks burg
bg burgs bypass byp camp cp canyon cyn cape cpe causeway cswy center ctr centre cntr centers ctrs
circle cir circles cirs cliff clf cliffs clfs club clb common cmn commons cmns corner cor corners
cors course crse court ct courts cts cove cv coves cvs creek crk crescent cres crest crst crossing
xing crossroad xrd crossroads xrds curve curv dale dl dam dm divide dv drive dr drives drs estate
est estates ests expressway expy extension ext extensions exts fall falls fls ferry fry field fld
fields flds flat flt flats flts ford frd fords frds forest frst forge frg forges frgs fork frk
forks frks fort ft freeway fwy garden gdn gardens gdns gateway gtwy glen gln glens glns green grn
greens grns grove grv groves grvs harbor hbr harbors hbrs haven hvn heights hts highway hwy hill
hl hills hls hollow holw inlet inlt island is islands iss isle junction jct junctions jcts key ky
keys kys knoll knl knolls knls lake lk lakes lks land landing lndg lane ln light lgt lights lgts
loaf lf lock lck locks lcks lodge ldg loop mall manor mnr manors mnrs meadow mdw meadows mdws mews
mill ml mills mls mission msn motorway mtwy mount mt mountain mtn mountains mtns neck nck orchard
orch oval park parks parkway pkwy parkways pkwys pass passage psge path pike pine pne pines pnes
place pl plain pln plains plns plaza plz point pt points pts port prt ports prts prairie pr
radial radl ramp ranch rnch rapid rpd rapids rpds rest rst ridge rdg ridges rdgs river riv road rd
roads rds route rte row rue run shoal shl shoals shls shore shr shores shrs skyway skwy spring spg
springs spgs spur spurs square sq squares sqs station sta stravenue stra stream strm street st
streets sts summit smt terrace ter throughway trwy trace trce track trak trafficway trfy trail trl
trailer trlr tunnel tunl turnpike tpke underpass upas union un unions uns valley vly valleys vlys
viaduct via view vw views vws village vlg villages vlgs ville vl vista vis walk walks wall way
ways well wl wells wls close gate wynd
"""
_SUFFIXES = "|".join(sorted(set(_USPS.split()), key=len, reverse=True))
_UNIT = r"(?i:,?\s+(?:apt\.?|apartment|suite|ste\.?|unit|#|flat|floor|fl\.?|room|rm\.?)\s*[\w-]+)?"
# Street names are capitalized ("Maple Grove") or ordinal ("5th"); suffixes match in any case.
_NAME_WORD = r"(?:[A-Z][A-Za-z'.-]*|\d+(?:st|nd|rd|th))"


@register("street_address")
class StreetAddressRecognizer(DeclaredPatternRecognizer):
    """`1234 Maple Grove Ave, Suite 5` and `Flat 2, 10 Downing Street` style addresses."""

    ENTITY = "STREET_ADDRESS"
    NAME = "street_address"
    # Case matters for street names; the patterns turn it off where it does not.
    FLAGS = re.DOTALL | re.MULTILINE
    PATTERNS = [
        Pattern(
            "number + street + suffix",
            rf"\b(?:(?i:flat|apartment|apt\.?|unit|suite)\s*[\w-]+,?\s+)?\d{{1,6}}[A-Za-z]?(?:-\d{{1,4}})?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?"
            rf"(?:{_NAME_WORD}\s+){{1,3}}(?i:{_SUFFIXES})\b\.?{_UNIT}",
            0.6,
        ),
        Pattern(
            "PO box",
            r"(?i)\bp\.?\s?o\.?\s+box\s+\d{1,8}\b",
            0.6,
        ),
    ]
    CONTEXT = ["address", "street", "live", "lives", "living", "located", "ship", "mail", "deliver"]
