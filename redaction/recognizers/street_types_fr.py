"""French street-type words ("types de voie") for the address recognizers.

Typed from the FANTOIR / Base Adresse Nationale list of street types and their standard
abbreviations, not from any generator's vocabulary, so evaluation figures stay honest.

Words are split by how safely they mark an address when a house number precedes them. A
*street* type ("rue", "boulevard") is seldom anything else; a *common-word* type ("cours",
"place", "route") is an ordinary French noun as well ("2 cours de Python", "sur place"), so it
needs more evidence: a comma or "bis" after the number, a capitalized name, or a postal code
and town after it.
"""

from __future__ import annotations

# Types that are almost never anything but a street name, with and without accents.
STREET_TYPES = """
rue ruelle avenue boulevard allée allee impasse quai chemin faubourg venelle sentier sente
rond-point parvis placette lieu-dit
"""

# Types that are also ordinary nouns, adjectives or verbs ("allé": Canadian addresses write "allée"
# so, and it is "gone" as well).
COMMON_WORD_TYPES = """
place cours cour route passage square voie parc pont port mail jardin villa cité cite clos
domaine résidence residence hameau quartier lotissement village centre marché marche halle
plaine plateau côte cote montée montee descente chaussée chaussee esplanade promenade
traverse corniche carrefour rocade terre-plein écart ecart galerie enclos levée levee
rang croissant allé
"""

# FANTOIR abbreviations; used only after a house number. Those that are also words in
# English or French ("all", "pl", "ch", "imp", "sq") only count with their full stop.
ABBREVIATIONS = "av bd bld boul bvd che chem crs fg fbg rte rpt sen"
ABBREVIATIONS_WITH_STOP = "all pl ch imp sq pass res qu"

# "bis", "ter"... after a house number ("12 bis, rue de la Paix").
NUMBER_REPEATS = "bis ter quater quinquies"

# Words between a street type and the name ("rue de la Paix", "allée des Tilleuls").
PARTICLES = (
    "de la",
    "de l'",
    "de l’",
    "de",
    "du",
    "des",
    "d'",
    "d’",
    "la",
    "le",
    "les",
    "l'",
    "l’",
    "aux",
    "au",
)

# Lower-case words that end a street name written in lower case ("12 rue de la paix et ...").
STOP_WORDS = """
et ou où est sont a à au aux pour par dans avec sans chez sur sous vers près après avant
depuis pendant entre mais donc car ni que qui quoi dont je tu il elle on nous vous ils elles
me te se ce cet cette ces ça cela ceci mon ma mes ton ta tes son sa ses notre nos votre vos
leur leurs un une y en ne pas plus très bien aussi merci svp demain hier ici là face côté
puis alors bonjour cordialement appartement appt bâtiment escalier étage porte code digicode
cedex de du des la le les
the and or is are was to in on at for with please thanks by from of it we you he she they my
our your this that then but so if not no yes near next
"""

MONTHS = """
janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre
decembre
"""


def words(block: str) -> list[str]:
    """The words of one of the blocks above."""
    return sorted(set(block.split()))
