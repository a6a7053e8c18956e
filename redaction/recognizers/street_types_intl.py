"""Street words of other countries, for addresses written with the name before the number.

Typed from the languages' own address conventions (postal administrations' street-type lists
and style guides), not from any generator's vocabulary, so evaluation figures stay honest.

* `SUFFIXES` end a one-word street name: German `Hauptstraße`, Dutch `Kalverstraat`, Swedish
  `Drottninggatan`, Danish `Gartnervænget`, Finnish `Mannerheimintie`. A capitalized word with
  one of them, then a house number, is an address.
* `TYPES_BEFORE` open a street name: Italian `Corso Garibaldi 13`, Polish `ul. Długa 12/3`,
  Spanish `Calle Mayor 5`, Portuguese `Rua Augusta 100`. Those that are also ordinary English
  words (`via`, `plaza`) are capitalized in the pattern.
* `UNITS` are the apartment, suite and floor words of several languages.
"""

from __future__ import annotations

SUFFIXES = """
straße strasse str. gasse weg allee platz damm ufer chaussee steig pfad zeile stieg
straat laan plein gracht kade singel dijk steeg hof
gatan vägen gata väg gränd backe torget stigen
vej gade vænget stræde allé torv plads
veien vegen gate gaten veg
tie katu polku kuja raitti
utca körút
ulica cesta
"""

TYPES_BEFORE = """
via viale corso piazza piazzale largo vicolo contrada strada borgo
calle avenida avda. av. paseo plaza camino carretera carrer passeig travesía ronda
rua travessa praça praca alameda estrada rúa
ul. ulica aleja plac
str. strada bulevardul bd. calea
straße strasse
odos leoforos
"""

# Types that are ordinary English or French words: counted only capitalized ("Via Roma 1").
CAPITALIZED_ONLY = {"via", "largo", "ronda", "plaza", "borgo", "strada", "contrada", "corso", "alameda"}

UNITS = """
apartment appartement apt appt suite ste unit flat studio floor fl room rm
wohnung whg etage stock top piso planta puerta pta dpto depto departamento interno int scala
lgh lägenhet leilighet mieszkanie lok m. st. th. tv. mf. sal
"""


def words(block: str) -> list[str]:
    return block.split()
