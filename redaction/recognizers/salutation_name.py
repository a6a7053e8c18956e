"""Person names after a greeting, an honorific, a sign-off or a form label, or before a possessive.

spaCy's small model often labels a name in "Dear Ada Pryce," or a signature line as an
organisation, or misses a lone first name after "Hi". The cue makes the name certain: the
capitalized words after it are a PERSON unless they are a known non-name ("Hi team"). Names
from anywhere ("Tereza Čerkez", "Hafþór") match: words are Unicode letters. A possessive before
a word for a relative or belonging ("Hafþór's kid", "Smith's wife") makes the word before it a
name; the `'s` stays.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..names import NOT_NAME_WORDS, STOP_WORDS, ambiguous_first_names, first_names, fold, world_first_names
from ..vocabulary import is_dictionary_word
from . import register
from .labelled import LabelledPattern, LabelledValueRecognizer

# A capitalized name word, with O'Neill, McDonald and Jean-Luc forms; a possessive 's is not part
# of it ("Smith's").
_WORD = r"(?:Ma?c|O['’]|D['’])?\p{Lu}\p{Ll}+(?:(?!['’]s\b)['’-]\p{Lu}?\p{Ll}+)*"
_UPPER = r"(?:[OD]['’])?\p{Lu}{2,}(?:(?!['’]S\b)['’-]\p{Lu}+)*"
# Given name or upper-case surname (French "DUPONT Jean"), optional initial, up to two more words.
_NAME = rf"(?P<value>(?:{_WORD}|{_UPPER})(?:[ \t]+[A-Z]\.)?(?:[ \t]+(?:{_WORD}|{_UPPER})){{0,2}})"

_GREETING = (
    r"(?i:dear|hi|hello|hey|hiya|greetings|good\s+(?:morning|afternoon|evening)|morning|"
    r"bonjour|bonsoir|salut|coucou|cher|chère)"
)
_HONORIFIC = (
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|M|Madame|Monsieur|Mademoiselle|Docteur|Pr|"
    r"Mister|Doctor|Professor|Rev|Herr|Frau|Hr|Fr|Sr|Sra|Srta|Sig|Sig\.ra|Dott|Dott\.ssa|Dhr|Mevr|"
    r"Pan|Pani|Maître|Me)\.?"
)
_LABEL = (
    r"(?i:name|full\s+name|first\s+name|last\s+name|given\s+name|family\s+name|surname|"
    r"(?:patient|client|customer|contact|guest|member|employee|user)\s+name|"
    r"patient|pt|client|customer|caller|contact|attn|attention|signed|"
    r"reported\s+by|submitted\s+by|requested\s+by|assigned\s+to|cc|from|to|account\s+holder|holder|"
    r"cardholder|ship\s+to|bill\s+to|deliver\s+to|next\s+of\s+kin|"
    r"(?:directed|written|produced|created|prepared|approved|reviewed|signed|authored|edited|"
    r"performed|narrated|composed|photographed|interviewed|referred|seen|examined)\s+by|"
    r"author|owner|employee|technician|driver|passenger|guest|member|student|"
    r"tenant|landlord|applicant|beneficiary|spouse|emergency\s+contact|witness|physician|"
    r"doctor|nurse|surgeon|attending|provider|recipient|sender|"
    r"nom\s+de\s+famille|nom\s+d['’]usage|auteur|responsable|conseill(?:er|ère)|technicien(?:ne)?|"
    r"bénéficiaire|locataire|médecin\s+traitant|"
    r"vorname|nachname|nombre|apellidos?|nome|cognome|naam|voornaam|achternaam|imię|nazwisko|"
    r"nom|prénom|nom\s+complet|patiente?|titulaire|expéditeur|destinataire|interlocuteur|demandeur|"
    r"facturer\s+à|livrer\s+à|de|à|signé|contact\s+client|médecin|docteur)"
)
_SIGN_OFF = (
    r"(?i:regards|kind\s+regards|best\s+regards|warm\s+regards|best|thanks|thank\s+you|many\s+thanks|"
    r"cheers|sincerely|yours\s+(?:truly|sincerely)|cordially|best\s+wishes|--|"
    r"cordialement|bien\s+à\s+vous|bien\s+cordialement|sincères\s+salutations|salutations|merci|"
    r"bonne\s+journée|amicalement|à\s+bientôt)"
)

# Judges in court judgments: "MR JUSTICE X", "Lady Justice X", "HHJ X", "District Judge X", "Lord X";
# after the name, the post-nominal of the office: "X J", "X LJ", "per X LJ", "X JSC".
_JUDGE_TITLE = (
    r"(?:(?i:(?:mr|mrs|ms|lord|lady)[ \t]+justice|(?:his|her)[ \t]+honou?r[ \t]+judge|"
    r"district[ \t]+judge|deputy[ \t]+district[ \t]+judge|hhj|recorder)|Lord|Lady|Baroness|Judge|DJ)"
)
# Court judgments: a bare surname after or before the phrases that cue a witness or counsel ("I
# found Hill an honest witness", "grateful to Read and Mills for", "12. Church, for the defendant,
# submitted"), a party's name on its own line above its role in the header block ("Between:" /
# NAME / "Claimant"), counsel "<Name> (instructed by <Firm>)", a tribunal member "Mrs R Pathak".
_SURNAME = rf"(?:{_WORD}(?:[ \t]+{_WORD})?)"
_PARTY_ROLE = (
    r"(?i:(?:first|second|third|fourth|1st|2nd|3rd|4th)[ \t]+)?"
    r"(?i:claimants?|defendants?|appellants?|respondents?|applicants?|petitioners?|"
    r"interested[ \t]+part(?:y|ies)|intervener|(?:part\s+20\s+)?defendants?)"
)
_FOR_PARTY = (
    r"(?i:claimants?|defendants?|appellants?|respondents?|applicants?|petitioners?|prosecution|"
    r"crown|local[ \t]+authority|secretary[ \t]+of[ \t]+state|mother|father|child(?:ren)?|guardian)"
)
_SILK = r"(?:[ \t]+(?:KC|QC|SC))?"
# Words the court cues are followed by that are no one's name.
_NOT_COURT_NAMES = frozenset(
    """judgment judgments costs counsel solicitor solicitors submissions submission order orders appeal
    permission damages interest relief findings evidence witness witnesses judge judges tribunal court
    courts claimant claimants defendant defendants appellant appellants respondent respondents
    applicant applicants petitioner party parties crown prosecution state secretary minister leading
    junior mr mrs ms miss dr it this that these those them him her he she they both all each either
    neither neutral citation case claim claims hearing application applications the in on at of and
    between before members member employment high county supreme family business king queen royal
    magistrates central london division bench chancery commercial technology lady lord sir
    schedule appendix annex part section paragraph rule rules cpr practice direction
    england wales scotland ireland northern""".split()
)
# Words that make a header line a company or a public body, not a person.
_ORGANISATION_WORDS = frozenset(
    """ltd limited plc llp llc lp inc co company companies corporation group holdings services service
    council authority trust trustees bank university college school hospital nhs foundation board
    commissioners commissioner secretary state ministry department police borough county city
    partnership society association club church charity insurance assurance estates properties
    developments homes care logistics security water energy retail the of and for""".split()
)

_JUDGE_VERB = r"(?:at|in|said|held|agreed|dissented|found|put|observed|noted|stated)"
_JUDGE_SUFFIX = r"(?:LJ|LJJ|J|JJ|JSC|LCJ|CJ|DJ|MR|SCJ)"
# Words that follow "Lord", "Judge" or precede "J" and are no name.
_NOT_JUDGE_NAMES = frozenset(
    """justice justices chancellor chief president advocate mayor bishop judge judges honour honor
    appendix annex schedule part section block unit row grade vitamin plan type class form level
    option group phase exhibit table figure item column category model version""".split()
)

# Chat line prefixes that are no person: bots, system lines, HTML tags in "<...>".
_NOT_SPEAKERS = frozenset(
    """system bot server moderator meeting reminder update info warning error debug notice agent
    customer user support operator rep staff caller host guest client visitor tech assistant me you
    br p div span b i a u em li ul ol td tr th html body head table img hr pre code
    github gitlab jira slackbot reminder reminders standup deploy ci alert alerts monitor monitoring
    pagerduty zapier calendar announcements announcement notification notifications status agenda
    meeting lunch break call notes minutes item topic schedule session start end update summary action
    todo deadline""".split()
)
# @mentions that address a group or a tool, not a person ("@here", "@channel", "@devops").
_NOT_HANDLES = frozenset(
    """here channel everyone all team teams devops dev devs ops qa oncall admin admins support sales
    eng engineering backend frontend infra security it hr legal finance marketing design product
    staff mods moderators owners reviewers maintainers core bot bots ci release releases""".split()
)
# A time in brackets or parentheses after a chat speaker ("Gundhild [10:32]:", "Shohei (9:05 PM):").
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?"
_STAMP = rf"(?:\[{_TIME}\]|\({_TIME}\))"

# After "X's": the words that make X a person (a relative, a belonging, a role around them).
_BELONGING = (
    r"(?i:kids?|sons?|daughters?|child|children|baby|wife|husband|partner|spouse|girlfriend|boyfriend|"
    r"fianc[ée]e?|mother|mom|mum|father|dad|parents|brothers?|sisters?|siblings?|cousins?|uncle|aunt|"
    r"niece|nephew|grand(?:mother|ma|father|pa|son|daughter|children|kids)|family|friends?|boss|"
    r"colleagues?|co-?workers?|neighbou?rs?|lawyer|attorney|doctor|dentist|therapist|nurse|teacher|"
    r"assistant|dog|cat|car|house|home|apartment|flat|phone|number|email|address|birthday|wedding|"
    r"funeral|condition|diagnosis|medication|surgery|appointment|account|mailbox|desk|office)"
)
NOT_NAMES = frozenset(
    """team all everyone everybody there folks guys friends friend customer customers sir madam
    support again both you again so the a an and or for my our your this that it i we they he she
    thanks thank please hello hi dear regards best cheers sincerely ok okay yes no not just mr mrs
    ms dr monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday morning
    afternoon evening night january february march april may june july august september october
    november december admin administrator manager sales billing service desk helpdesk user
    patient client caller name phone email address tel téléphone adresse courriel date statut status
    message note notes subject objet ref référence account compte carte card
    everyone's someone somebody anyone nobody today tonight company world nation country city
    god mother father mom dad what where who here how let justice""".split()
)


@register("salutation_name")
class SalutationNameRecognizer(LabelledValueRecognizer):
    ENTITY = "PERSON"
    NAME = "salutation_name"
    PATTERNS = (
        LabelledPattern("greeting + name", rf"\b{_GREETING}[ \t]*,?[ \t]+{_NAME}", 0.6),
        LabelledPattern("honorific + name", rf"\b{_HONORIFIC}[ \t]+{_NAME}", 0.7),
        LabelledPattern("label + name", rf"\b{_LABEL}[ \t]*[:#=|][ \t]*(?:\r?\n[ \t]*)?{_NAME}", 0.7),
        LabelledPattern(
            "possessive + relative or belonging",
            rf"(?<![\p{{L}}\p{{M}}'’-])(?P<value>{_WORD}(?:[ \t]+{_WORD}){{0,2}})['’]s[ \t]+{_BELONGING}\b",
            0.6,
        ),
        LabelledPattern("judicial title + name", rf"\b{_JUDGE_TITLE}[ \t]+{_NAME}", 0.7),
        LabelledPattern(
            "name + judicial post-nominal",
            rf"(?<![\p{{L}}\p{{M}}'’-])(?P<value>{_WORD}|{_UPPER})[ \t]+{_JUDGE_SUFFIX}"
            rf"(?=[ \t]*[:,;.)\]]|[ \t]+{_JUDGE_VERB}\b|[ \t]*$)",
            0.65,
        ),
        LabelledPattern(
            "family court initials",
            r"\b(?:Re|RE|In[ \t]+the[ \t]+(?i:matter)[ \t]+of)[ \t]+"
            r"(?P<value>[A-Z]{1,3}(?:-[A-Z]{1,3})?)[ \t]+"
            r"\((?:(?i:a|the)[ \t]+)?(?i:child|children|minors?|care[ \t]+proceedings|adoption|"
            r"placement|wardship|infants?|fact[ \t]+finding)\b[^)\n]{0,40}\)",
            0.7,
        ),
        LabelledPattern("R v + name", rf"\bR[ \t]+v\.?[ \t]+{_NAME}", 0.7),
        LabelledPattern(
            "honorific + initials + name",
            rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+(?:[A-Z]\.?[ \t]+){{1,2}}"
            rf"(?P<value>{_WORD}|{_UPPER})(?![\p{{L}}'’-])",
            0.7,
        ),
        LabelledPattern(
            "court: witness found",
            rf"\b(?:I|We)[ \t]+(?:found|find|did[ \t]+not[ \t]+find|do[ \t]+not[ \t]+find|"
            rf"(?:accept|accepted|prefer|preferred|reject|rejected)[ \t]+the[ \t]+evidence[ \t]+of)[ \t]+"
            rf"(?P<value>{_SURNAME})"
            rf"(?=[ \t]+(?:an?|to[ \t]+be|to[ \t]+have|on|that|in|over|to)\b|[ \t]*[,.;])",
            0.6,
        ),
        LabelledPattern(
            "court: grateful to",
            rf"\b(?:grateful|thanks?|thank(?:ful)?)[ \t]+(?:to[ \t]+)?(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+)?"
            rf"(?P<value>{_SURNAME}){_SILK}(?=[ \t]*,[ \t]+\p{{Lu}}|"
            rf"[ \t]+and[ \t]+(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+)?\p{{Lu}}|"
            rf"[ \t]+for[ \t]+(?:their|his|her|the)\b)",
            0.6,
        ),
        LabelledPattern(
            "court: grateful to X and",
            rf"(?<=\b(?:grateful|thanks?|thankful)[ \t]+(?:to[ \t]+)?(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+)?"
            rf"{_SURNAME}{_SILK}(?:[ \t]*,[ \t]+(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+)?{_SURNAME}{_SILK})*"
            rf"[ \t]*,?[ \t]+and[ \t]+(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+)?)(?P<value>{_SURNAME}){_SILK}"
            rf"(?=[ \t]+for[ \t]+(?:their|his|her|the)\b)",
            0.6,
        ),
        LabelledPattern(
            "court: counsel for a party",
            rf"(?:^|(?<=[.;:][ \t]+)|(?<=^[ \t]*\d{{1,3}}\.[ \t]+))(?P<value>{_SURNAME}){_SILK}"
            rf"(?:,[ \t]+(?:who[ \t]+appear(?:s|ed)[ \t]+)?for|[ \t]+for|,[ \t]+on[ \t]+behalf[ \t]+of)[ \t]+"
            rf"the[ \t]+{_FOR_PARTY}\b",
            0.6,
        ),
        LabelledPattern(
            "court: counsel instructed by",
            rf"(?<![\p{{L}}'’-])(?P<value>(?:{_WORD}|{_UPPER})"
            rf"(?:[ \t]+(?![KQS]C\b)(?:{_WORD}|{_UPPER})){{0,2}}){_SILK}"
            rf"[ \t]*\((?:instructed|direct[ \t]+access|pro[ \t]+bono)",
            0.7,
        ),
        LabelledPattern(
            "court: party above its role",
            rf"^[ \t]*(?:\(\d{{1,2}}\)[ \t]*)?(?P<value>(?:{_WORD}|{_UPPER})(?:[ \t]+[A-Z]\.?)?"
            rf"(?:[ \t]+(?:{_WORD}|{_UPPER})){{1,3}})[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*"
            rf"(?:\(?\d{{1,2}}\)?[ \t]*)?{_PARTY_ROLE}[ \t]*(?:/[^\n]*)?$",
            0.65,
        ),
        LabelledPattern(
            "chat speaker after a timestamp",
            r"^[ \t]*(?:\[\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?\][ \t]*|"
            r"\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?[ \t]+-[ \t]+)"
            r"(?P<value>[^\W\d_][\w.'’-]*?(?:[ \t][^\W\d_][\w.'’-]*?){0,2})[ \t]?:[ \t]",
            0.6,
        ),
        LabelledPattern(
            "chat speaker before a timestamp",
            rf"^[ \t]*(?P<value>[^\W\d_][\w.'’-]*(?:[ \t][^\W\d_][\w.'’-]*){{0,2}})"
            rf"[ \t]+{_STAMP}[ \t]*:?[ \t]",
            0.6,
        ),
        LabelledPattern(
            "irc speaker", r"^[ \t]*(?:\[?[\d:]+\]?[ \t]*)?<(?P<value>[^\W\d_][\w.'’-]{1,30})>[ \t]", 0.6
        ),
        LabelledPattern(
            "chat speaker", r"^[ \t]*(?:\[[0-9:]+\][ \t]*)?(?P<value>[^\W\d_]{3,})[ \t]?:[ \t]", 0.6
        ),
        LabelledPattern(
            "chat handle speaker",
            r"^[ \t]*(?P<value>[^\W\d_]{3,}[_.][^\W\d_]{1,20})[ \t]?:[ \t]",
            0.6,
        ),
        LabelledPattern("chat mention", r"(?<![\w@.])@(?P<value>[^\W_](?:[\w.-]*[^\W_.-])?)", 0.6),
        LabelledPattern(
            "name + bare initial + surname",
            rf"(?<![\p{{L}}\p{{M}}'’-])(?P<value>{_WORD}[ \t]+\p{{Lu}}[ \t]+{_WORD})(?![\p{{L}}\p{{M}}'’-])",
            0.6,
        ),
        LabelledPattern(
            "sign-off line + name line",
            rf"^[ \t]*{_SIGN_OFF}[ \t]*[,.!]?[ \t]*\r?\n[ \t]*{_NAME}[ \t]*$",
            0.7,
        ),
    )

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        first = value.split()[0].strip(".")
        if first.lower() in NOT_NAMES or fold(first) in NOT_NAME_WORDS:
            return False
        if pattern.name.startswith(("court:", "honorific + initials")):
            words = [fold(w) for w in value.replace("-", " ").split()]
            if any(w in _NOT_COURT_NAMES or w in NOT_NAMES for w in words):
                return False
            if pattern.name in ("court: party above its role", "court: counsel instructed by") and any(
                w in _ORGANISATION_WORDS for w in words
            ):
                return False
            return True
        if pattern.name.startswith(("judicial", "name + judicial", "R v")):
            if first.lower() in _NOT_JUDGE_NAMES:
                return False
            if pattern.name == "name + judicial post-nominal" and value.isupper() and len(value) < 3:
                return False
        if pattern.name in (
            "chat speaker after a timestamp",
            "chat speaker before a timestamp",
            "irc speaker",
        ):
            words = [w.lower() for w in value.split()]
            return not any(
                w in _NOT_SPEAKERS or (w.endswith("bot") and len(w) > 3) or w == "bot" for w in words
            )
        if pattern.name == "chat speaker":
            # "Victor: ..." is a person, "Statut: ..." a label: only known first names.
            return fold(first) in _known_first_names()
        if pattern.name == "chat handle speaker":
            # "maria_g:", "sandor.vidal:"; an unknown name only with an initial ("tymon_b:"),
            # never a key ("status_code:", "plan_b:").
            head, tail = re.split(r"[_.]", value, maxsplit=1)
            lower = head.lower()
            if (
                lower in _NOT_SPEAKERS
                or lower in STOP_WORDS
                or fold(head) in NOT_NAME_WORDS
                or lower in NOT_NAMES
            ):
                return False
            known = fold(head) in _unambiguous_first_names()
            return known or (len(tail) == 1 and not is_dictionary_word(head))
        if pattern.name == "chat mention":
            return _person_handle(value)
        if pattern.name == "name + bare initial + surname":
            return _initialled_name(value)
        return True


_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december""".split()
)


def _initialled_name(value: str) -> bool:
    """`Simonas N Naujokas`, not `Plan B Budget`: neither word is a stop word, day, month or
    greeting, the first is a first name of the lexicon or no dictionary word, and so is the last
    unless the first is a first name ("Maria N Green")."""
    words = value.split()
    given, surname = words[0], words[-1]
    for word in (given, surname):
        lower = word.lower()
        if lower in NOT_NAMES or fold(word) in NOT_NAME_WORDS or lower in _CALENDAR:
            return False
    named = fold(given) in _unambiguous_first_names()
    return (named or not is_dictionary_word(given)) and (named or not is_dictionary_word(surname))


def _person_handle(handle: str) -> bool:
    """An @mention that names a person: a part of it is a first name, alone or with an initial
    glued on (`@maria.gonzalez`, `@mariag`), or it is one word that is no dictionary word
    (`@mgonzalez`); `@here`, `@devops`, `@release-notes` address no one."""
    parts = [p for p in re.split(r"[\W\d_]+", handle.lower()) if p]
    if not parts or any(p in _NOT_HANDLES or p in _NOT_SPEAKERS for p in parts):
        return False
    names = _unambiguous_first_names()
    if any(fold(p) in names or (len(p) > 4 and fold(p[:-1]) in names) for p in parts):
        return True
    return len(parts) == 1 and len(parts[0]) >= 4 and not is_dictionary_word(parts[0])


@lru_cache(maxsize=1)
def _unambiguous_first_names() -> frozenset[str]:
    return first_names() | world_first_names()


@lru_cache(maxsize=1)
def _known_first_names() -> frozenset[str]:
    return first_names() | world_first_names() | ambiguous_first_names()
