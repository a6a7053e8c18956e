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
tie katu polku kuja raitti kaari rinne väylä bulevardi aukio
utca körút
ulica cesta
dreef baan pad lei ring markt boulevard
vei stien svingen plassen bakken haugen kollen tunet jordet marka bråten engen ekra stranda gjerdet
stykket spranget faret havna vænge toften alléen flata myra toppen løkka tjernet lunden åsen dalen
vika grenda kroken skogen skrenten vollen brinken berget
"""

# Suffixes trusted on a lower-case word too ("industrivej 4", "schmidtstrasse 6"): none of them
# ends a common English word. "ring" (string), "gate" (delegate), "pad" (notepad), "kade"
# (arcade), "tie" (necktie), "lei", "hof", "markt" and the Norwegian nature words are not.
LOWER_CASE_SUFFIXES = """
straße strasse gasse weg allee platz damm ufer chaussee steig pfad zeile stieg
straat laan plein gracht singel dijk steeg dreef baan boulevard
gatan vägen gata väg gränd torget stigen
vej gade vænget stræde allé torv plads
veien vegen gaten alléen toppen løkka tjernet havna plassen bakken kollen
katu polku kuja raitti bulevardi
utca körút
ulica cesta
"""
# Words a lower-case suffix would take for a street.
NOT_STREETS = {
    "brigade", "brigades", "renegade", "renegades", "palisade", "spring", "springs", "string", "strings",
    "offspring", "bring", "wring", "shrink", "during",
}  # fmt: skip

# Street types written after the name as a word of their own, in any case: Hungarian
# "Györgyhalasi utca 121.", Slovenian "Šišenska cesta 3", Czech "Masarykovo náměstí 5",
# Danish "Skodsborg Allé 5". (German, Dutch and Nordic ones need an adjective before them:
# "Berliner Straße 12", never "See Weg 5".)
TYPES_AFTER = """
utca út útja tér körút köz fasor cesta ulica ulice náměstí třída nábřeží námestie allé katu
terrasse vei veien vegen gata plass vænge stræde torg pr. prospektas al. alėja
"""

TYPES_BEFORE = """
via viale corso piazza piazzale largo vicolo contrada strada borgo
calle avenida avda. av. paseo plaza camino carretera carrer passeig travesía ronda
rua travessa praça praca alameda estrada rúa
ul. ulica aleja plac
str. strada bulevardul bd. calea
blv. blvd. bulevar
straße strasse
odos leoforos
intrarea aleea șoseaua soseaua splaiul piața piata
jalan jl. gg. gang
calzada callejón cerrada privada circuito andador prolongación retorno
rodovia ladeira viela
vial pasaje pasadizo rambla glorieta cuesta senda urbanización continuación diagonal diag. corredor ampliación
canale incrocio rotonda piazzetta salita traversa vico rione lungomare stretto
conjunto quadra setor jardim chácara sítio trevo feira campo estação aeroporto passarela viaduto vila
favela residencial lagoa núcleo
drumul nám. náměstí námestie
ул. улица вул. вулиця алл. шосе cañada al. pl.
пр. просп. проспект пр-т пер. переулок провулок бул. бульв. бульвар ш. шоссе
наб. набережная набережна пл. площадь площа проезд туп. тупик алея аллея майдан узвіз сквер парк
λ. λεωφ. λεωφόρος πλ. πλατεία οδός οδ.
đường phố ngõ hẻm
"""
# House-number markers before the number, besides "No." and "Nr.": Russian and Ukrainian "д.",
# "буд.", Vietnamese "Số", Greek "χλμ" (the kilometre of a road).
HOUSE_MARKERS = "no nr nº n° núm num д дом буд будинок số χλμ"

# Types that are ordinary English or French words: counted only capitalized ("Via Roma 1").
CAPITALIZED_ONLY = {
    "via", "largo", "ronda", "plaza", "borgo", "strada", "contrada", "corso", "alameda", "gang", "circuito",
    "retorno", "privada", "cerrada", "canale", "rotonda", "corredor", "salita", "senda", "cuesta", "vico",
    "vial", "traversa", "conjunto", "quadra", "setor", "jardim", "trevo", "feira", "campo", "estação",
    "aeroporto", "passarela", "viaduto", "vila", "favela", "residencial", "lagoa", "núcleo", "diagonal",
    "stretto",
}  # fmt: skip
# ... of which these are English words in an UPPER CASE sentence too ("SHIP VIA UPS 2 DAYS"): only
# the capitalized form counts.
NOT_UPPER = {"via", "gang", "plaza", "campo", "conjunto", "corredor", "vila", "senda", "feira"}

UNITS = """
apartment appartement apt appt suite ste unit flat studio floor fl room rm
wohnung whg etage stock top piso planta puerta pta dpto depto departamento interno int scala
lgh lägenhet leilighet mieszkanie lok m. sal
piano ap bl sc edif edificio depto interior level lvl
appartamento apartamento lejlighed квартира кв. к. корп. стр. оф.
dto. oficina torre local
"""


def words(block: str) -> list[str]:
    return block.split()
