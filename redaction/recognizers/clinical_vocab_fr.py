"""Words of French clinical notes that are never a name or a place, whatever their case.

fr_core_news_sm tags much of a transmission infirmière as PER or LOC: roles (`IDE`, `AS`,
`IADE`, `CDS`, `Interne`), abbreviations (`TTT`, `RAS`, `EVA`, `PAS`, `SpO2`), drugs
(`Noradrénaline`, `Kardégic`), note words (`Hémodynamique`, `Diurèse`, `Relève`) and wards
(`Réa`, `USC`, `Cardiologie`). Shared by the French clinical recognizers (a cue is not followed by
one of these as a name) and the spaCy tidying for French, which trims them off the edges of a
spaCy name or place (nothing left, nothing reported).
"""

from __future__ import annotations

import unicodedata

_WORDS = """
ide ides as ash iade ibode cds cadre cadres interne internes externe externes kiné kine kinés
médecin médecins docteur dr dre pr pre mme mlle mr m madame monsieur infirmier infirmière
infirmiers infirmières aide-soignant aide-soignante aides-soignants réanimateur réanimatrice
anesthésiste anesthésistes chirurgien chirurgienne senior seniors chef assistant garde astreinte
équipe staff relève transmission transmissions cible cibles nuit matin soir jour journée
réa réanimation médicale polyvalente usc usi sauv sspi uhcd bloc box lit lits service services
urgences cardiologie pneumologie neurologie néphrologie gériatrie chirurgie médecine interne
gastro cardio pneumo neuro néphro ortho uro onco hémato labo laboratoire pharmacie radio imagerie
ttt ras eva en pas pad pam fc fr spo2 sao2 fio2 pao2 paco2 ta t° gcs rass bps cpot vni vi ot
sng sad ktc kta picc vvp vvc pac ecg eeg irm tdm scanner rx rxp echo échographie gds bio
crp pct hb ht k+ na+ inr tp tca nfs iono lactates glycémie troponine bnp dfg
ivse ivl ivd sc im po per os ivdl pse bolus remplissage nacl g5 g10 ringer
noradrénaline adrénaline dobutamine propofol sufentanil midazolam kétamine morphine oxycodone
célocurine nimbex rocuronium héparine lovenox kardégic augmentin tazocilline céfotaxime
amoxicilline vancomycine gentamicine lasilix furosémide insuline doliprane paracétamol
acupan perfalgan tramadol topalgic spasfon primpéran zophren dafalgan xarelto eliquis
previscan coumadine inexium mopral solumédrol cortancyl hydrocortisone optiflow airvo
hémodynamique hémodynamiquement stable instable diurèse bilan bilans constantes sédation
analgésie alimentation entérale parentérale pansement pansements escarre escarres selles
lever fauteuil toilette change changes extubé extubée intubé intubée sevrage aspirations
glasgow apyrétique fébrile algique eupnéique polypnéique désaturation hypotension hypertension
tachycardie bradycardie fa rsr choc septique pneumopathie sepsis détresse
avis favorable défavorable poursuite arrêt reprise surveillance protocole prescription
appel appels appelé appelée prévenu prévenue prévenus informé informée vu vue passé passée
rappeler joignable bip poste dect tél tel téléphone portable fixe ligne
mg µg ug ml l min h kg ui mmhg mmol g dl j ans an
talon droit droite gauche jeun sang sanguin gaz signe place disponible correcte correct faite fait
contacter sœur soeur frère fille fils transfert patiente patient présente présent mise née épouse
époux glycémie signé signée antibiothérapie nouvelles visite famille"""

FRENCH_CLINICAL_WORDS = frozenset(_WORDS.split())


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


_FOLDED = frozenset(_fold(w) for w in FRENCH_CLINICAL_WORDS)


def is_french_clinical_word(word: str) -> bool:
    """`word` (any case, accents or not: upper-case notes drop them) is French clinical shorthand."""
    lower = word.strip(".,;:()'’").lower()
    return lower in FRENCH_CLINICAL_WORDS or _fold(lower) in _FOLDED
