"""Words of clinical notes that are never a name or a place, whatever their case.

Shared by the clinical recognizers (clinician_name, town, facility): abbreviations (`PT`,
`MICU`, `NPO`, `PRN`), units and services, common note verbs and drug names that follow the
cues those recognizers use ("called MD", "from OR", "dr aware", "on Lasix").
"""

from __future__ import annotations

CLINICAL_WORDS = frozenset(
    """
    pt pts patient patients md mds np nps rn rns pa pac pa-c do cna lpn rt rrt ot slp sw cm dr dra drs
    doc doctor doctors nurse nurses nursing resident residents intern interns fellow fellows
    attending attendings team teams service services staff covering on-call oncall house officer
    ho micu sicu ccu cvicu csru ticu nicu picu icu ed er or pacu ir cath lab floor floors unit
    units ward wards step-down stepdown tele telemetry rehab snf ltc ltac nh ecf alf home hospice
    vna osh ama npo prn qd bid tid qid qhs qam qpm hs ac pc po iv im sq sc sl pr ng ngt og ogt
    peg picc cvl tlc aline art ett trach foley chest ct mri cxr kub ekg ecg echo tee tte us eeg
    abg vbg cbc bmp cmp lfts inr ptt coags lytes bcx ucx ua labs lab cultures
    bp hr rr sat sats spo2 o2 fio2 peep map cvp gcs rass cpot temp tmax
    aware notified made updated informed paged called spoke spoken talked discussed met saw seen
    came come in out to with re regarding about at of for from by on and or the a an this that
    here there now today tonight am pm ok okay plan plans note notes orders ordered order
    consult consulted consults eval evaluated evaluation assess assessed assessment exam
    rounds rounded bedside phone tel call calls page pages pager
    family wife husband son daughter mother father sister brother friend hcp proxy dtr
    lasix levophed propofol fentanyl versed heparin insulin morphine dilaudid ativan haldol
    tylenol vanco vancomycin zosyn cefepime ceftriaxone flagyl coumadin warfarin lovenox
    aspirin asa plavix metoprolol lopressor captopril lisinopril norvasc kcl mag ns lr d5w
    abx meds med medication medications drip drips gtt bolus fluids fluid blood prbc ffp plt
    mi chf copd cad htn dm afib cva tia pna uti gi gu cv resp neuro renal id heme onc endo
    skin social dispo access lines cb c/b nsg desk station
    wean vanc lis jevity flushes easily protocol rrr s1s2 vacationing resides acct
    mr mrs ms miss sir
    mae mg mcg ml cc kg tab tabs cap caps ss fs peep nc zofran draining drainage dressing dsg
    clears bilat oob tolerating pod hd sob cp n/v abd bs bm uop cont wnl nad perrla
    """.split()
)


def is_clinical_word(word: str) -> bool:
    return word.strip(".,;:()'’").lower() in CLINICAL_WORDS


# Words of nursing notes that spaCy and the name lexicon take for names or places in upper-
# and lower-case notes ("NIECE AT BEDSIDE", "AMBULATORY WITH WALKER", "VANCO AND ZOSYN",
# "GOALS OF CARE", "md paged x2"), but that a clinician's or town's cue may still precede as a
# surname ("DR WALKER", "FROM PAGE"): noise for a name or place finding on its own, not for the
# clinical recognizers above. `tests/data/tuning/non_pii.py` holds the notes they were tuned on.
NOTE_WORDS = frozenset(
    """
    niece nephew grandson granddaughter grandmother grandfather aunt uncle cousin neighbor
    neighbour daughter-in-law son-in-law boyfriend girlfriend fiance fiancee caregiver
    walker cane wheelchair commode bedside chair crutches ambulatory ambulating ambulated
    arousable arrousable arousible confused intermittently oriented lethargic agitated restless
    alert drowsy sleepy calm cooperative anxious
    previously prior recently currently lived lives living resided independent dependent
    nursing-home nursing home snf vna rehab hospice shelter county
    etoh pcn pcp clinic clinics paged page x2 x3 x4 tol tolerated att attempt attempted levo cont dsg
    hemodynamics hemodynamically vanco zosyn vancomycin cipro levofloxacin levaquin unasyn
    flagyl ancef kefzol bactrim diflucan acyclovir meropenem dm2 dm1 iddm niddm
    goals goal levels level aware awake aox3 aox2 aox1 a&o a&ox3
    bun riss ssi min max svc ivc npn map radial femoral brachial a-line aline art-line swan
    picc cvl tlc hd hemodialysis cvvh cvvhd crrt
    day days night nights eve evening shift noc
    stable unstable afebrile febrile tachy brady tachycardic bradycardic hypotensive hypertensive
    lungs heart abd extremities skin neuro resp cv gi gu id endo heme psych social dispo
    coarse crackles rales rhonchi wheezes diminished clear
    sputum secretions suction suctioned lavage
    hob vap bundle handoff adl adls tf scd scds ems ox ratio rm ins dea medicaid medicare yr appearance
    """.split()
)


def is_note_word(word: str) -> bool:
    """A clinical word (`CLINICAL_WORDS`) or a note word (`NOTE_WORDS`): never a name alone."""
    bare = word.strip(".,;:()'’").lower()
    return bare in CLINICAL_WORDS or bare in NOTE_WORDS
