"""Street addresses in the forms of the tuning set's second part (`more_address_forms`): a
province code in brackets with the sentence going on, UPPER CASE sentences after an address,
`Blvd`/`Blv.`, Indian `H.No.`, Argentine `Diagonal ... N°`, Canadian French blocks, whole blocks
in UPPER or lower case, corners named by two streets, Vietnamese `Số`, and the name-first national
forms (Italian `Stretto`, Hungarian `Dózsa györgy utca`, Ukrainian `сквер ..., буд. 5`, Portuguese
`Av` and Slovenian/Slovak `Pot`/`Na`/`Ob` before a postcode and town, Brazilian CEP `/ UF`). Also
what must stay: the words going on after the address, and sentences with numbers."""

from __future__ import annotations

import pytest

from redaction.patterns import backtracking_problem
from redaction.recognizers.street_address import StreetAddressRecognizer

from .test_addresses import found


def _assert_found(text: str, expected: str) -> None:
    result = found(StreetAddressRecognizer, text)
    assert expected in result, (expected, result)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "We live at 034 Alvarez Street, Austinshire (SK) since 2019.",
            "034 Alvarez Street, Austinshire (SK)",
        ),
        (
            "She moved to 579 Patel Stream Apt. 092, North Donald (NT), near the school.",
            "579 Patel Stream Apt. 092, North Donald (NT)",
        ),
        ("the shop at 12 oak street, lavoie (qc) is closed", "12 oak street, lavoie (qc)"),
    ],
)
def test_a_province_code_in_brackets_joins_the_address(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Set the switch to 3 (ON) and wait 20 seconds.",
        "Turn the dial to 12 (OFF) first.",
    ],
)
def test_a_code_in_brackets_after_a_number_is_no_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected, kept",
    [
        ("THEIR SHOP IS ON 96950 HARRY LOCK SINCE MAY.", "96950 HARRY LOCK", "SINCE"),
        ("OUR NEW PLACE IS 12907 YOUNG ROUTE, STEPHENSTAD COME BY", "12907 YOUNG ROUTE, STEPHENSTAD", "COME"),
        (
            "MY BROTHER LIVES AT FLAT 44, DAMIAN LIGHTS, WEST WAYNEBOROUGH NOW.",
            "FLAT 44, DAMIAN LIGHTS, WEST WAYNEBOROUGH",
            "NOW",
        ),
        (
            "SEND IT TO 50730 JAMES ISLAND, WEST JOSEPHBURY TODAY PLEASE.",
            "50730 JAMES ISLAND, WEST JOSEPHBURY",
            "TODAY",
        ),
    ],
)
def test_upper_case_words_going_on_after_an_address_are_no_town(text, expected, kept):
    result = found(StreetAddressRecognizer, text)
    assert expected in result, (expected, result)
    assert not any(kept in span for span in result)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12 MAIN ST\nLA PLATA 1900, BUENOS AIRES", "12 MAIN ST\nLA PLATA 1900, BUENOS AIRES"),
        ("12 Oak St, Toronto ON M5V 2T6", "12 Oak St, Toronto ON M5V 2T6"),
        ("12 Queen St, Sydney NSW 2000", "12 Queen St, Sydney NSW 2000"),
        ("8 PLACE DE LA CONCORDE, 75008 PARIS", "8 PLACE DE LA CONCORDE, 75008 PARIS"),
    ],
)
def test_upper_case_towns_and_region_codes_still_join(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "WE SOLD 12 UNITS SINCE MAY.",
        "THE 3 BOXES ARE HERE NOW, COME BY.",
        "ORDER 4471 SHIPS TODAY FROM GATE 2.",
        "OUR NEW PLACE IS 12 MINUTES AWAY.",
    ],
)
def test_upper_case_sentences_with_numbers_are_no_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("They moved to Blv. Young N° 4500 since May.", "Blv. Young N° 4500"),
        ("They moved to 4636 Branch Blv. since May.", "4636 Branch Blv."),
        (
            "The office is at 41529 Villegas Blv, West Carrieburgh, TN 20581.",
            "41529 Villegas Blv, West Carrieburgh, TN 20581",
        ),
        ("Vivo en Blvd. Artigas 1234, Montevideo.", "Blvd. Artigas 1234, Montevideo"),
        ("send it to 71578 stewart blvd please", "71578 stewart blvd"),
    ],
)
def test_blv_and_blvd_are_street_types(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    ["We walked 3 blocks down the Blvd today.", "The BLV 300 drone costs 450 dollars.", "Blv. 2 is closed."],
)
def test_a_blv_without_a_street_is_no_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Varsha Nagarajan\nH.No. 32-11-292, Dar Marg\nAvadi-749160\n",
            "H.No. 32-11-292, Dar Marg\nAvadi-749160",
        ),
        (
            "He stays at H.No. 32-10-169, Venkatesh Ganj, Korba-425971.",
            "H.No. 32-10-169, Venkatesh Ganj, Korba-425971",
        ),
        ("Vamakshi Kumer\nH.No. 18-7-188, Nair\nKolhapur-056496\n", "H.No. 18-7-188, Nair\nKolhapur-056496"),
        ("Deliver to 26/139, Pandit, Ballia-027157.", "26/139, Pandit, Ballia-027157"),
        ("baljiwan kale\nh.no. 468\nvirk path, thanjavur 706586\n", "h.no. 468\nvirk path, thanjavur 706586"),
        ("kiaan mutti\nh.no. 01\nsant nagar\nbhopal-081330\n", "h.no. 01\nsant nagar\nbhopal-081330"),
        ("ABHIMANYU TELLA\nH.NO. 821\nRAO MARG, RAIGANJ 065007\n", "H.NO. 821\nRAO MARG, RAIGANJ 065007"),
    ],
)
def test_indian_house_numbers_open_an_address(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "The H.No. of the form is 12, and the rest is blank.",
        "Scores were 12/3, Team Blue, Round-123456 overall.",
        "She scored 12-3-45 in the three sets.",
    ],
)
def test_numbers_with_hyphens_and_commas_are_no_indian_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "name", ["Indian house number + street", "corner of two streets", "lower-case block line name + number"]
)
def test_the_new_patterns_do_not_backtrack_catastrophically(name):
    pattern = next(p for p in StreetAddressRecognizer.PATTERNS if p.name == name)
    assert backtracking_problem(pattern.regex) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Vivo en Diagonal 151 E N° 4918 Oficina 8, Rosario 4600, Mendoza.",
            "Diagonal 151 E N° 4918 Oficina 8, Rosario 4600, Mendoza",
        ),
        (
            "Diagonal 190 A N° 310 Dto. 2\nLa Plata 1900, Buenos Aires\n",
            "Diagonal 190 A N° 310 Dto. 2\nLa Plata 1900, Buenos Aires",
        ),
        (
            "The shop is at Camino Jujuy N° 6177\nSanta Rosa 6300, La Pampa.",
            "Camino Jujuy N° 6177\nSanta Rosa 6300, La Pampa",
        ),
        (
            "DIAGONAL LA RIOJA N° 936 DTO. 9\nLA RIOJA 5300, LA RIOJA\n",
            "DIAGONAL LA RIOJA N° 936 DTO. 9\nLA RIOJA 5300, LA RIOJA",
        ),
        (
            "avenida 8 n° 34 oficina 5\nmendoza 5500, mendoza\n",
            "avenida 8 n° 34 oficina 5\nmendoza 5500, mendoza",
        ),
    ],
)
def test_argentine_streets_with_a_marked_number_go_whole(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Cut it along the diagonal 12 times.",
        "The Diagonal 2 model costs 310 dollars.",
        "SHIP VIA UPS 2 DAYS FROM NOW.",
        "Watch the local 5 news at 6.",
    ],
)
def test_diagonal_via_and_local_in_sentences_are_no_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Laetitia Allard\n43834 allé Sophie, L'Île- Clémence, NL C4P 6B9\n",
            "43834 allé Sophie, L'Île- Clémence, NL C4P 6B9",
        ),
        ("Elle habite au 29294 montée benoît, dupont, sk x8s8p9.", "29294 montée benoît, dupont, sk x8s8p9"),
        (
            "Roland Laliberté\n184 montée deschênes\nmont- gagnon (mb) e6p8t9\n",
            "184 montée deschênes\nmont- gagnon (mb) e6p8t9",
        ),
        (
            "The office is at 9472 allée Bisson, Louis Est PE T1C 1P6.",
            "9472 allée Bisson, Louis Est PE T1C 1P6",
        ),
        (
            "46941 ALLÉ MARCELLE SUITE 295\nBOUCHARD OUEST, NB R5P 5V6\n",
            "46941 ALLÉ MARCELLE SUITE 295\nBOUCHARD OUEST, NB R5P 5V6",
        ),
        (
            "christopher villa\n4572 valentine mountain\nrobertsbury, nu g7g2b2\n",
            "4572 valentine mountain\nrobertsbury, nu g7g2b2",
        ),
        (
            "ramona georgescu\ndrumul pop nr. 64\nodorheiu secuiesc, 969899\n",
            "drumul pop nr. 64\nodorheiu secuiesc, 969899",
        ),
    ],
)
def test_canadian_blocks_with_a_province_and_postal_code_go_whole(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "il est allé 2 fois à Montréal",
        "Je suis allé 3 jours à Québec, on a vu 4 amis.",
        "we need 4 chairs and 2 tables by friday, on a1b 2c3 terms",
        "the 3 montée lessons start soon",
    ],
)
def test_alle_and_canadian_codes_in_sentences_are_no_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The cafe is at the corner of Sims Plaza & Daniel Tunnel.", "Sims Plaza & Daniel Tunnel"),
        (
            "We met at the intersection of Michael Drive & Fuller Ways, near the bank.",
            "Michael Drive & Fuller Ways",
        ),
        ("at the corner of Cummings Route and Davis Turn, near the bank.", "Cummings Route and Davis Turn"),
        ("We met at the intersection of Lisa Place & Page State Highway.", "Lisa Place & Page State Highway"),
        ("Meet me at the corner of Main and 5th Street", "Main and 5th Street"),
        (
            "The accident happened at the corner of 4 Oak Street and Elm Road last night.",
            "4 Oak Street and Elm Road",
        ),
    ],
)
def test_a_corner_of_two_streets_goes_whole(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "At the corner of the page and the margin there are 2 notes.",
        "We met at 10 at the corner of the park and the lake.",
        "The corner of Smith and Jones is a law firm.",
        "Sims Plaza and Daniel Tunnel are both closed.",
    ],
)
def test_corners_of_things_are_no_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Số 91/212 Ngô Quyền.", "Số 91/212 Ngô Quyền"),
        ("Số 4/96 Nam Kỳ Khởi Nghĩa, Điện Biên.", "Số 4/96 Nam Kỳ Khởi Nghĩa, Điện Biên"),
        ("The shop is at Số 8/255 Phố Lê Thánh Tôn, Hà Nội.", "Số 8/255 Phố Lê Thánh Tôn, Hà Nội"),
        ("Số 14/113 đường 20, Lạng Sơn.", "Số 14/113 đường 20, Lạng Sơn"),
        ("12 Main St, St. Paul", "12 Main St, St. Paul"),
    ],
)
def test_vietnamese_so_marks_a_house_number_and_a_town_keeps_no_stop(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize("text", ["Chapter 4/96 covers the rest of the survey.", "Tỷ số 2 Việt Nam thắng."])
def test_slashed_numbers_without_so_are_no_vietnamese_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("gregor pintarič\nplečnikov podhod 74\n2963 izola\n", "plečnikov podhod 74\n2963 izola"),
        ("pod ježami 8a\n5246 škofja loka\n", "pod ježami 8a\n5246 škofja loka"),
        ("anna\nkalverstraat 5\namsterdam, 1012\n", "kalverstraat 5\namsterdam, 1012"),
    ],
)
def test_a_lower_case_block_line_before_a_postcode_and_town_line(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "hi\nchapter 74\n2963 words\n",
        "notes\nroom 12\n2000 people\n",
        "we sold 12\n2000 more later\n",
        "step 2\n1000 times\n",
        "apples 12\n2024 harvest was good\n",
    ],
)
def test_lower_case_lines_with_numbers_are_no_block(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Our address: Stretto Ottone, 74, 20851, Lissone (MB).",
            "Stretto Ottone, 74, 20851, Lissone (MB)",
        ),
        (
            "Fedele Strangio\nStretto Buscetta, 727 Piano 5\n10125, Torino (TO)\n",
            "Stretto Buscetta, 727 Piano 5\n10125, Torino (TO)",
        ),
    ],
)
def test_an_italian_stretto_opens_a_street(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text", ["Stretto 4 is the hardest passage, bar 74.", "Play the stretto 4 times before bar 12."]
)
def test_stretto_in_music_is_no_street(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Send it to Dózsa györgy utca 188., H-3174 Székesfehérvár.",
            "Dózsa györgy utca 188., H-3174 Székesfehérvár",
        ),
        ("Ship To: Ligetfalvai utca 27., H-6000 Zalaegerszeg.", "Ligetfalvai utca 27., H-6000 Zalaegerszeg"),
    ],
)
def test_a_hungarian_street_with_a_lower_case_given_name_keeps_its_code_and_town(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text", ["the györgy utca 5 is long", "Order 188., H-3174 ships today.", "Version 2 utca, 3 ways."]
)
def test_no_hungarian_street_without_a_capitalized_name_before_the_type(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Send it to сквер Прохоровський, буд. 5, Олевськ, 40535.",
            "сквер Прохоровський, буд. 5, Олевськ, 40535",
        ),
        (
            "Send it to шосе Аеродромний 2-й, буд. 1, Джанкой, 01012.",
            "шосе Аеродромний 2-й, буд. 1, Джанкой, 01012",
        ),
        (
            "Юстина Устенко\nпарк Квітки-Основ’яненка, буд. 5 кв. 09, Мала Виска, 10154\n",
            "парк Квітки-Основ’яненка, буд. 5 кв. 09, Мала Виска, 10154",
        ),
    ],
)
def test_a_ukrainian_street_keeps_its_ordinal_town_and_code(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Ми гуляли в парк Шевченка о 5 годині.",
        "Концерт у парку 2-й раз, 40 людей.",
        "Відкрито парк Горького, вхід 50 грн.",
        "Це сквер, де 12 лавок і 3 фонтани.",
    ],
)
def test_a_park_or_square_without_a_house_number_is_no_address(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Maria Silva\nAv Rodrigues, S/N\n2436-390 Espinho\n", "Av Rodrigues, S/N\n2436-390 Espinho"),
        ("Send it to Av Alves, 59, 4806-504 Ourém.", "Av Alves, 59, 4806-504 Ourém"),
        ("Ana\nPot do šole 1\n7021 Ravne na Koroškem\n", "Pot do šole 1\n7021 Ravne na Koroškem"),
        (
            "Moj naslov je Ob zdravstvenem domu 5a, 2429 Ilirska Bistrica, pridi.",
            "Ob zdravstvenem domu 5a, 2429 Ilirska Bistrica",
        ),
        ("Na medzi 78, 099 12 Divín", "Na medzi 78, 099 12 Divín"),
    ],
)
def test_av_and_slavic_prepositions_open_a_street_before_a_number_postcode_and_town(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Pot roast tonight, 2 plates at 19.",
        "Na, I can't, maybe on Monday 14.",
        "Av. speed 40 km/h on the 12 km loop.",
        "Av Speed 40 km/h on the 12 km loop.",
        "The Av Club 5 met today.",
        "AV Room 4 is booked.",
        "Na ja 5, 2000 Leute kamen.",
        "Ob 3 Uhr oder 4, egal.",
        "Na 2 weeks later we met.",
    ],
)
def test_av_and_slavic_prepositions_without_a_postcode_and_town_are_no_street(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Галина Ященко\nплоща Баринштейна, буд. 53 кв. 408\nхутір Подільськ, 53081\n",
            "площа Баринштейна, буд. 53 кв. 408\nхутір Подільськ, 53081",
        ),
        (
            "Ship To: сквер Івасюка Володимира, буд. 70 кв. 87, 27833, селище Жмеринка, Україна",
            "сквер Івасюка Володимира, буд. 70 кв. 87, 27833, селище Жмеринка",
        ),
    ],
)
def test_a_ukrainian_hamlet_or_settlement_line_after_the_street_joins_it(text, expected):
    _assert_found(text, expected)


def test_a_hamlet_word_alone_is_no_address():
    assert found(StreetAddressRecognizer, "Це хутір Подільськ, там 40 хат.") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Our address: Parque de Martins, 91, Cruzeiro, 19473096 Borges / BA.",
            "Parque de Martins, 91, Cruzeiro, 19473096 Borges / BA",
        ),
        (
            "Our address: Esplanada Cavalcanti, São Tomaz, 20422095 Pinto do Oeste / PA.",
            "Esplanada Cavalcanti, São Tomaz, 20422095 Pinto do Oeste / PA",
        ),
        (
            "Isadora Melo\nTrevo Câmara\nVila Calafate\n38214-411 Santos de Fonseca / TO\n",
            "Trevo Câmara\nVila Calafate\n38214-411 Santos de Fonseca / TO",
        ),
        (
            "Send it to Jardim Thomas Lopes, Marieta 2ª Seção, 19066-242 Camargo / GO.",
            "Jardim Thomas Lopes, Marieta 2ª Seção, 19066-242 Camargo / GO",
        ),
    ],
)
def test_a_brazilian_street_closed_by_cep_town_and_state_needs_no_number(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Parque 3 is closed until May 12.",
        "Esplanada 2 has 40 seats.",
        "Parque Central, 12345678 visitors / SP",
        "Vale Fund, Series 12, 50000000 raised / PA",
        "Praia Grande tem 40 km de areia / SP 12",
    ],
)
def test_brazilian_place_words_without_cep_town_and_state_are_no_address(text):
    assert found(StreetAddressRecognizer, text) == []
