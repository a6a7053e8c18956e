"""Fake text with PII at known offsets, for tests and benchmarks/quality.py.

Every value comes from Faker, from number constructions with valid check digits (French NIR,
SIREN, SIRET) or from ranges reserved for fiction (US 555-0100..0199, UK drama numbers such as
020 7946 0xxx), never from a real person's records. Where phone libraries reject the fiction
range (UK mobiles) or there is none Faker uses (French numbers), digits are random in a range
in use, as Faker's are. A text is built from a template
piece by piece, and each PII value's offsets are recorded as it is appended, so gold spans are
exact by construction: nothing is searched for afterwards. The same seed always gives the same
output (one `random.Random` and one seeded Faker per locale, nothing read from the clock).

The labelled corpus (`generate_labelled`) is English and French (about 30% French), in eight
phrasing styles (STYLES): chat, email with signature, support ticket, form dump,
clinical-style note, csv lines, address blocks spread over lines, and lists. Every template
has a stable id (`en.chat.03`) and belongs, by a hash of that id, to the tuning part or the
held-out part (`split_of`); the phrases that carry one value each (`fr.phrase.FR_NIR.02`) are
split the same way, and a record only ever uses phrases of its template's part, so no phrasing
of the held-out part is seen while tuning. Add templates and phrases at the end of their
tuples: ids are positions, and a changed id can move a template across the split.

Noise: a share of records is all lower case, ALL CAPS, or has its names in lower case (chats
most often); filler sentences, which hold no PII, sometimes carry a typo. Casing changes only
characters whose case mapping keeps the length, so offsets stay exact.

`generate_records` builds pipeline-shaped support tickets from the original English tables;
its output for a given seed is unchanged by the corpus above (its French records are opt-in).
"""

from __future__ import annotations

import csv
import hashlib
import ipaddress
import json
import random
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from faker import Faker
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from redaction.evaluate import DIRECT_IDENTIFIERS

LANGUAGES = ("en", "fr")
EN_TYPES = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "US_DRIVER_LICENSE",
    "STREET_ADDRESS",
    "LOCATION",
    "DATE_TIME",
    "URL",
)
FR_TYPES = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "FR_NIR",
    "FR_SIREN",
    "FR_SIRET",
    "STREET_ADDRESS",
    "LOCATION",
    "DATE_TIME",
    "URL",
)
LANGUAGE_TYPES = {"en": EN_TYPES, "fr": FR_TYPES}
# Every type of the corpus, direct identifiers first.
ENTITY_TYPES = tuple(dict.fromkeys((*DIRECT_IDENTIFIERS, *EN_TYPES, *FR_TYPES)))

STYLES = ("chat", "email", "ticket", "form", "clinical", "csv", "address", "list")
PARTS = ("tuning", "heldout")
FRENCH_SHARE = 0.3
MAX_PII_PER_TEXT = 6

# === English tables. generate_records draws from these, in this order: keep them as they are. ===

_RECORD_STYLES = ("chat", "email", "ticket", "form", "clinical", "csv")
_RECORD_MAX_PII = 4

# --- non-PII filler: no names, places, numbers, dates or identifiers -------------------------

_FILLER_GENERAL = (
    "Thanks for getting back to me so quickly.",
    "I have tried restarting the app but the problem is still there.",
    "The invoice shows a charge that I do not recognise.",
    "Could you please look into this when you have a moment?",
    "Let me know if you need anything else from my side.",
    "The order arrived with a damaged box and a missing cable.",
    "I would like to update the details on my account.",
    "Please cancel the automatic renewal and confirm by reply.",
    "The page keeps loading and never shows the confirmation.",
    "I am not sure whether the payment went through.",
    "The mobile app closes right after the login screen.",
    "Happy to provide screenshots if that helps.",
    "This is the second time I am writing about this.",
    "The discount code was not applied at checkout.",
    "My password reset email never arrived.",
    "I was charged the full price instead of the student rate.",
    "Your colleague said someone would call back, but nobody did.",
    "The tracking page has not changed for a while.",
    "I would appreciate a quick answer because the account is locked.",
    "Everything else works fine, only the export fails.",
)

_FILLER_CHAT = (
    "ok thanks",
    "no worries",
    "sure, one sec",
    "it still says payment failed when i try again",
    "yeah that worked, kind of",
    "sorry, the connection dropped",
    "can you check on your end?",
    "the app is stuck on the loading screen",
    "i already cleared the cache",
    "great, appreciate it",
    "hmm not really",
    "how long does a refund usually take?",
)

_FILLER_TICKET = (
    "Issue started after the latest update.",
    "Customer is unable to reset the password.",
    "Escalating to second-line support.",
    "Refund requested for the duplicate charge.",
    "Workaround provided, awaiting confirmation.",
    "Priority raised due to repeated contact.",
    "Login fails with a generic error message.",
    "Shipment marked as delivered but not received.",
    "Subscription downgraded by mistake.",
    "Customer asked for the invoice to be reissued.",
    "Billing system shows the account as suspended.",
    "Verified identity before discussing the account.",
)

_FILLER_CLINICAL = (
    "Patient reports intermittent chest tightness on exertion.",
    "No known drug allergies.",
    "Blood pressure within normal limits.",
    "Advised to continue current medication and return if symptoms worsen.",
    "Denies fever or cough.",
    "Lungs clear on auscultation.",
    "Prescribed a short course of antibiotics.",
    "Mild tenderness over the lower back, full range of motion.",
    "Sleep has improved since the dose was adjusted.",
    "Wound healing well, sutures intact.",
    "Discussed diet and exercise at length.",
    "Referred for physiotherapy.",
)

_FILLERS = {
    "chat": _FILLER_CHAT,
    "email": _FILLER_GENERAL,
    "ticket": _FILLER_TICKET + _FILLER_GENERAL,
    "form": _FILLER_GENERAL,
    "clinical": _FILLER_CLINICAL,
    "csv": _FILLER_TICKET,
}

# --- phrases that carry exactly one PII value ({DETAIL} picks one) ---------------------------

_PHRASES = {
    "PERSON": (
        "my colleague {PERSON} can confirm this",
        "the account is in the name of {PERSON}",
        "please ask for {PERSON}",
        "{PERSON} placed the order",
        "the parcel was signed for by {PERSON}",
    ),
    "EMAIL_ADDRESS": (
        "you can reach me at {EMAIL_ADDRESS}",
        "my email is {EMAIL_ADDRESS}",
        "please reply to {EMAIL_ADDRESS}",
        "send the receipt to {EMAIL_ADDRESS}",
    ),
    "PHONE_NUMBER": (
        "call me on {PHONE_NUMBER}",
        "my phone number is {PHONE_NUMBER}",
        "best number to reach me: {PHONE_NUMBER}",
        "or ring {PHONE_NUMBER} in the evening",
        "the callback went to {PHONE_NUMBER}",
    ),
    "CREDIT_CARD": (
        "I paid with card {CREDIT_CARD}",
        "card number {CREDIT_CARD} was charged twice",
        "my credit card is {CREDIT_CARD}",
        "it was charged to {CREDIT_CARD}",
    ),
    "IBAN_CODE": (
        "please refund to IBAN {IBAN_CODE}",
        "my bank account is {IBAN_CODE}",
        "the transfer came from account {IBAN_CODE}",
        "pay it back to {IBAN_CODE}",
    ),
    "IP_ADDRESS": (
        "the login came from {IP_ADDRESS}",
        "my IP address is {IP_ADDRESS}",
        "the firewall blocked {IP_ADDRESS}",
        "I am connecting from {IP_ADDRESS}",
    ),
    "US_SSN": (
        "my SSN is {US_SSN}",
        "social security number {US_SSN}",
        "SSN: {US_SSN}",
        "for verification the number is {US_SSN}",
    ),
    "US_DRIVER_LICENSE": (
        "my driver's license is {US_DRIVER_LICENSE}",
        "DL# {US_DRIVER_LICENSE}",
        "driver license number {US_DRIVER_LICENSE}",
        "license no. {US_DRIVER_LICENSE} was scanned at the desk",
    ),
    "STREET_ADDRESS": (
        "I live at {STREET_ADDRESS}",
        "ship it to {STREET_ADDRESS}",
        "our new address is {STREET_ADDRESS}",
        "deliver to {STREET_ADDRESS} please",
    ),
    "LOCATION": (
        "I am currently in {LOCATION}",
        "the parcel is stuck in {LOCATION}",
        "we moved to {LOCATION} recently",
        "the branch in {LOCATION} could not help",
    ),
    "DATE_TIME": (
        "I was born on {DATE_TIME}",
        "the order was placed on {DATE_TIME}",
        "it has been like this since {DATE_TIME}",
        "on {DATE_TIME} I was charged twice",
    ),
    "URL": (
        "see {URL}",
        "the link {URL} is broken",
        "my profile is at {URL}",
        "the error shows on {URL}",
    ),
}

# --- templates per style for generate_records. Slots: an entity type, FIRST_NAME (a PERSON),
# DETAIL (a phrase above; Detail capitalises it), FILLER (a sentence from the style's filler).

_RECORD_TEMPLATES = {
    "chat": (
        "hi, {FILLER} {DETAIL}",
        "customer: {FILLER}\nagent: {FILLER}\ncustomer: {DETAIL}\nagent: thanks {FIRST_NAME}, {FILLER}",
        "hey its {FIRST_NAME} here. {DETAIL} and {DETAIL}",
        "me: {FILLER}\nsupport: could you confirm your email?\nme: {EMAIL_ADDRESS}\nsupport: {FILLER}",
        "{FILLER}. {DETAIL}. {FILLER}",
        "user: {DETAIL}\nbot: I can help with that.\nuser: also {DETAIL}\nbot: {FILLER}",
    ),
    "email": (
        "Hi {FIRST_NAME},\n\n{FILLER} {Detail}.\n\n{FILLER}\n\nBest regards,\n{PERSON}\n{PHONE_NUMBER}",
        "Hello support team,\n\n{FILLER} {Detail}. {FILLER}\n\nThanks,\n{PERSON}\n{EMAIL_ADDRESS}",
        "Dear {PERSON},\n\n{FILLER}\n\nKind regards,\n{FIRST_NAME}\nSent from my phone",
        "Hi there,\n\n{FILLER} {FILLER}\n\nCheers,\n{PERSON}\nT: {PHONE_NUMBER} | E: {EMAIL_ADDRESS}",
        "Good morning,\n\n{Detail}. {FILLER}\n\n--\n{PERSON}\nCustomer Success Manager\n"
        "{STREET_ADDRESS}, {LOCATION}",
        "To whom it may concern,\n\n{FILLER} {Detail}.\n\nSincerely,\n{PERSON}",
    ),
    "ticket": (
        "Ticket summary: {FILLER}\nDescription: {FILLER} {Detail}.\nSteps taken: {FILLER}",
        "Reported by {PERSON} via web form. {FILLER} Customer says {DETAIL}. {FILLER}",
        "[Billing] {FILLER} Caller verified with {DETAIL}. Callback requested on {PHONE_NUMBER}.",
        "Issue: {FILLER}\nImpact: single user\nContact: {PERSON} <{EMAIL_ADDRESS}>\nNotes: {Detail}.",
        "Internal note: {FILLER} {Detail}. {Detail}. {FILLER}",
        'Case reopened. {FILLER} Customer wrote: "{DETAIL}". {FILLER}',
    ),
    "clinical": (
        "Pt: {PERSON}\nDOB: {DATE_TIME}\nS: {FILLER}\nO: {FILLER}\nA/P: {FILLER}",
        "Seen in clinic on {DATE_TIME}. {FILLER} {FILLER} Next of kin {PERSON}, {PHONE_NUMBER}.",
        "Patient {PERSON} presented for review. {FILLER} Lives at {STREET_ADDRESS}, {LOCATION}.",
        "Telehealth note. {FILLER} Patient contacted via {PHONE_NUMBER}. {FILLER}",
        "Follow-up for {FIRST_NAME} {FILLER} {FILLER} Insurance check: {Detail}.",
        "Discharge summary. {FILLER} Discharged to home address {STREET_ADDRESS}. "
        "Contact email {EMAIL_ADDRESS}.",
    ),
    "csv": (
        "{PERSON},{EMAIL_ADDRESS},premium,active",
        "{PERSON};{PHONE_NUMBER};{LOCATION};renewal due",
        "user={EMAIL_ADDRESS} ip={IP_ADDRESS} action=login status=failed",
        "order 4821, {PERSON}, {STREET_ADDRESS}, paid, dispatched",
        "- {PERSON} ({EMAIL_ADDRESS}), billing admin",
        "refund,{IBAN_CODE},approved,{FILLER}",
        "card_on_file={CREDIT_CARD}; holder={PERSON}; status=expired",
        "ssn {US_SSN} | dl {US_DRIVER_LICENSE} | check pending",
    ),
}

# Form dumps: one labelled line per field. PII fields per entity type, several labels each.
_FORM_FIELDS = {
    "PERSON": ("Name", "Full name", "Customer", "Contact person"),
    "EMAIL_ADDRESS": ("Email", "E-mail", "Contact email"),
    "PHONE_NUMBER": ("Phone", "Mobile", "Telephone", "Daytime phone"),
    "CREDIT_CARD": ("Card number", "Credit card", "Payment card"),
    "IBAN_CODE": ("IBAN", "Bank account (IBAN)"),
    "IP_ADDRESS": ("IP", "Client IP", "Last login IP"),
    "US_SSN": ("SSN", "Social security number"),
    "US_DRIVER_LICENSE": ("Driver's license", "DL#", "Driver license no."),
    "STREET_ADDRESS": ("Address", "Street address", "Shipping address"),
    "LOCATION": ("City", "Town"),
    "DATE_TIME": ("Date of birth", "DOB", "Date"),
    "URL": ("Website", "Profile URL"),
}
_FORM_EXTRAS = (
    "Plan: premium",
    "Status: open",
    "Preferred contact: email",
    "Category: billing",
    "Newsletter: no",
    "Source: contact form",
    "Comments: {FILLER}",
    "Message: {FILLER}",
)
_FORM_HEADERS = ("", "--- web form submission ---\n", "Form: contact-us\n", "NEW LEAD\n")

# Pipeline records (generate_records) reuse the styles above for the body.
_SUBJECTS = (
    "Refund request",
    "Cannot log in",
    "Card charged twice",
    "Question about my invoice",
    "Delivery problem",
    "Account locked",
    "Change of address for {PERSON}",
    "Callback please: {PHONE_NUMBER}",
    "Urgent: {FILLER}",
)
_NOTES = (
    "Customer verified with {DETAIL}.",
    "Prefers contact by email.",
    "Previous ticket merged into this one.",
    "Spoke with {PERSON}, {FILLER}",
    "Alternative contact {PHONE_NUMBER}.",
    "{FILLER}",
)

_SLOT = re.compile(r"\{(\w+)\}")
_PII_SLOTS = frozenset(EN_TYPES) | {"FIRST_NAME", "DETAIL", "Detail"}

# Area codes in use, for US numbers in the fictional 555-0100..0199 block.
_US_AREA = (
    "212",
    "312",
    "415",
    "617",
    "303",
    "206",
    "512",
    "602",
    "702",
    "404",
    "305",
    "713",
    "214",
    "503",
    "615",
    "919",
    "718",
    "646",
    "323",
    "818",
    "207",
    "860",
    "971",
    "480",
)
# UK numbers in Ofcom's ranges for drama: (national prefix, area, local prefix).
_UK_AREA = (
    ("20", "7946 0"),
    ("161", "496 0"),
    ("121", "496 0"),
    ("113", "496 0"),
    ("117", "496 0"),
    ("131", "496 0"),
    ("141", "496 0"),
)
_CARD_TYPES = ("visa16", "mastercard", "amex", "discover")
# UK mobile prefixes in use (the corpus only; generate_records keeps to the ranges above).
_UK_MOBILE_PREFIXES = (
    "0740", "0741", "0742", "0743", "0744", "0746", "0747", "0748", "0749", "0750", "0751", "0753",
    "0754", "0755", "0756", "0757", "0758", "0759", "0771", "0772", "0773", "0774", "0775", "0776",
    "0777", "0780", "0781", "0784", "0785", "0786", "0787", "0788", "0789", "0790", "0792", "0794",
    "0795", "0796", "0797", "0798",
)  # fmt: skip


# === The labelled corpus: English (the tables above plus these) and French. ===================
#
# Template slots: an entity type of the language; FIRST_NAME (a PERSON); DETAIL / Detail (a
# phrase of the record's part carrying one value; Detail capitalises it); FILLER (a sentence
# from the style's filler, never repeated in a text); ADDRESS_BLOCK (a name line, PERSON, then
# a postal address over several lines, one STREET_ADDRESS span); ADDRESS_LINES (the postal
# address alone). `{FIRST_NAME:a}` repeats one value wherever the same key appears.

_EN_MORE_PHRASES = {
    "PERSON": (
        "I spoke to {PERSON} yesterday",
        "the card holder is {PERSON}",
    ),
    "EMAIL_ADDRESS": (
        "my work email is {EMAIL_ADDRESS}",
        "cc {EMAIL_ADDRESS} on the reply",
    ),
    "PHONE_NUMBER": (
        "text me at {PHONE_NUMBER}",
        "mobile: {PHONE_NUMBER}",
    ),
    "CREDIT_CARD": (
        "card no. {CREDIT_CARD}",
        "please charge {CREDIT_CARD} instead",
        "the refund should go back to {CREDIT_CARD}",
    ),
    "IBAN_CODE": (
        "IBAN: {IBAN_CODE}",
        "send the refund by bank transfer to {IBAN_CODE}",
    ),
    "IP_ADDRESS": (
        "source address {IP_ADDRESS} was flagged",
        "requests from {IP_ADDRESS} keep failing",
        "the VPN assigned {IP_ADDRESS}",
        "whitelist {IP_ADDRESS} please",
        "our gateway is {IP_ADDRESS}",
    ),
    "US_SSN": (
        "last year's filing used {US_SSN}",
        "the form lists my social as {US_SSN}",
    ),
    "US_DRIVER_LICENSE": (
        "my licence number is {US_DRIVER_LICENSE}",
        "ID checked: driver's license {US_DRIVER_LICENSE}",
    ),
    "STREET_ADDRESS": (
        "the old address was {STREET_ADDRESS}",
        "the courier left it at {STREET_ADDRESS}",
    ),
    "LOCATION": (
        "I'm travelling to {LOCATION} next week",
        "the warehouse near {LOCATION} shipped it",
    ),
    "DATE_TIME": (
        "my appointment is on {DATE_TIME}",
        "the renewal date was {DATE_TIME}",
        "the delivery slot was {DATE_TIME}",
    ),
    "URL": (
        "the form at {URL} rejects my input",
        "I followed the steps on {URL}",
    ),
}

_EN_MORE_TEMPLATES = {
    "chat": (
        "[10:42] {FIRST_NAME:a}: {FILLER}\n[10:43] agent: can i get a phone number?\n"
        "[10:43] {FIRST_NAME:a}: {PHONE_NUMBER}\n[10:44] agent: {FILLER}",
        "{FIRST_NAME:a}: {FILLER}\nsupport: whats the address on the account?\n"
        "{FIRST_NAME:a}: {STREET_ADDRESS}\nsupport: {FILLER}",
        "hey, {DETAIL}. also {DETAIL} lol",
        "agent: Hi, you are chatting with {FIRST_NAME}. {FILLER}\nvisitor: {DETAIL}\nagent: {FILLER}",
    ),
    "email": (
        "Hi {FIRST_NAME},\n\n{FILLER} {Detail}.\n\nThanks\n\n{PERSON}\nAccount Manager | Northwind "
        "Traders\nM: {PHONE_NUMBER}\n{STREET_ADDRESS}",
        "Subject: {FILLER}\n\n{FILLER}\n\n-- \n{PERSON}\n{EMAIL_ADDRESS} | {URL}",
        "Hello,\n\n{Detail}. {FILLER}\n\nBest,\n{FIRST_NAME}\n\n-----Original Message-----\n"
        "From: {PERSON} <{EMAIL_ADDRESS}>\nSent: {DATE_TIME}",
        "Dear Sir or Madam,\n\n{FILLER} {Detail}.\n\nYours faithfully,\n\n{PERSON}\n{ADDRESS_LINES}",
    ),
    "ticket": (
        "Priority: high\nRequester: {PERSON}\nPhone: {PHONE_NUMBER}\nSummary: {FILLER}",
        "Escalation from tier one. {FILLER} Account holder {PERSON} asked that {DETAIL}.",
        "Auto-generated ticket\nUser agent: Mozilla/5.0\nSource IP: {IP_ADDRESS}\n"
        "Description: {FILLER} {Detail}.",
        "Customer called in. {FILLER} Confirmed identity with {DETAIL} and {DETAIL}. {FILLER}",
    ),
    "form": (
        "--- web form submission ---\nName: {PERSON}\nEmail: {EMAIL_ADDRESS}\nPhone: {PHONE_NUMBER}\n"
        "Message: {FILLER}",
        "Form: contact-us\nFull name: {PERSON}\nStreet address: {STREET_ADDRESS}\nCity: {LOCATION}\n"
        "Comments: {FILLER}",
        "NEW LEAD\nCustomer = {PERSON}\nE-mail = {EMAIL_ADDRESS}\nPlan = premium\nSource = contact form",
        "Card number:\t{CREDIT_CARD}\nCardholder:\t{PERSON}\nStatus:\topen\nCategory:\tbilling",
        "Applicant\nSSN: {US_SSN}\nDriver's license: {US_DRIVER_LICENSE}\nDate of birth: {DATE_TIME}\n"
        "Newsletter: no",
        "Bank account (IBAN): {IBAN_CODE}\nAccount holder: {PERSON}\nPreferred contact: email\n"
        "Message: {FILLER}",
        "Last login IP: {IP_ADDRESS}\nProfile URL: {URL}\nContact email: {EMAIL_ADDRESS}\nStatus: open",
        "name: {PERSON}\naddress: {STREET_ADDRESS}\nmobile: {PHONE_NUMBER}\ndob: {DATE_TIME}\n"
        "comments: {FILLER}",
        "Field | Value\nContact person | {PERSON}\nDaytime phone | {PHONE_NUMBER}\n"
        "DL# | {US_DRIVER_LICENSE}\nPlan | basic",
    ),
    "clinical": (
        "PATIENT: {PERSON}   MRN: pending\nDOB: {DATE_TIME}\nHPI: {FILLER} {FILLER}\nPLAN: {FILLER}",
        "Referral letter\n\nDear Dr {PERSON},\n\nI would be grateful if you could see {PERSON}. "
        "{FILLER} {FILLER}\n\nAddress: {STREET_ADDRESS}\nTel: {PHONE_NUMBER}",
        "Nursing note: {FILLER} Daughter {FIRST_NAME} visited and left her number {PHONE_NUMBER}. {FILLER}",
        "Medication review for {PERSON}, SSN {US_SSN}. {FILLER} {FILLER}",
    ),
    "csv": (
        "{DATE_TIME},{PERSON},{PHONE_NUMBER},callback",
        '"{PERSON}","{STREET_ADDRESS}","{LOCATION}","{URL}"',
        "{EMAIL_ADDRESS},{IP_ADDRESS},{DATE_TIME},locked",
        "id,name,phone\n1027,{PERSON},{PHONE_NUMBER}",
    ),
    "address": (
        "Please send the replacement to:\n\n{ADDRESS_BLOCK}\n\n{FILLER}",
        "Shipping address:\n{ADDRESS_BLOCK}\nBilling address: same as shipping",
        "{FILLER}\n\nShip to:\n{ADDRESS_BLOCK}\nTel: {PHONE_NUMBER}",
        "New address from next week:\n{ADDRESS_LINES}\n{FILLER}",
        "Hi, my details changed.\nOld address:\n{ADDRESS_LINES}\nNew address:\n{ADDRESS_LINES}\n"
        "Thanks, {FIRST_NAME}",
        "Deliver to\n{ADDRESS_BLOCK}\n(leave with a neighbour if out)",
        "Addressee:\nMs {ADDRESS_BLOCK}",
        "Invoice to:\n{ADDRESS_BLOCK}\n{EMAIL_ADDRESS}\n\n{FILLER}",
        "Mailing address\n{ADDRESS_LINES}\nGate code on request",
    ),
    "list": (
        "Attendees:\n- {PERSON} ({EMAIL_ADDRESS})\n- {PERSON}\n- {PERSON} (guest)",
        "Action items:\n1. {Detail}\n2. {FILLER}\n3. {Detail}",
        "Contacts to update:\n* {PERSON}: {PHONE_NUMBER}\n* {PERSON}: {EMAIL_ADDRESS}",
        "Checklist\n[x] {FILLER}\n[ ] {Detail}\n[ ] {FILLER}",
        "Open items:\n- {FILLER}\n- {Detail}\n- {FILLER}",
        "Callback list for today:\n1) {FIRST_NAME} - {PHONE_NUMBER}\n2) {FIRST_NAME} - {PHONE_NUMBER}\n"
        "3) {FIRST_NAME} - {PHONE_NUMBER}",
        "Duplicate accounts found:\n  • {EMAIL_ADDRESS}\n  • {EMAIL_ADDRESS}\nMerge requested by {PERSON}.",
        "Notes from the call:\n- {Detail}\n- {Detail}\n- {FILLER}",
        "Blocked logins:\n{IP_ADDRESS}\n{IP_ADDRESS}\nreported by {FIRST_NAME}",
        "Office move:\n- boxes\n- tape\n- label printer\nDelivery contact: {PERSON}, {PHONE_NUMBER}",
        "Emergency contacts\n• {PERSON} – {PHONE_NUMBER}\n• {PERSON} – {PHONE_NUMBER}",
        "Reviewers:\n  1. {PERSON}\n  2. {PERSON}\nPlease send comments to {EMAIL_ADDRESS}.",
    ),
}

_EN_FILLERS = {**_FILLERS, "address": _FILLER_GENERAL, "list": _FILLER_GENERAL}

# --- French ----------------------------------------------------------------------------------

_FR_FILLER_GENERAL = (
    "Merci pour votre réponse rapide.",
    "J'ai redémarré l'application mais le problème persiste.",
    "La facture indique un montant que je ne reconnais pas.",
    "Pourriez-vous regarder cela dès que possible ?",
    "Je reste à votre disposition pour tout complément.",
    "Le colis est arrivé abîmé et il manque un câble.",
    "Je souhaite mettre à jour les informations de mon compte.",
    "Merci d'annuler le renouvellement automatique.",
    "La page charge sans fin et la confirmation ne s'affiche jamais.",
    "Je ne sais pas si le paiement a bien été pris en compte.",
    "L'application se ferme juste après l'écran de connexion.",
    "Je peux vous envoyer des captures d'écran si besoin.",
    "C'est la deuxième fois que je vous écris à ce sujet.",
    "Le code promo n'a pas été appliqué lors de la commande.",
    "Je n'ai jamais reçu le courriel de réinitialisation du mot de passe.",
    "Tout le reste fonctionne, seul l'export échoue.",
    "Votre collègue devait me rappeler, mais personne ne l'a fait.",
    "Le suivi de livraison n'a pas bougé depuis plusieurs jours.",
)

_FR_FILLER_CHAT = (
    "ok merci",
    "pas de souci",
    "oui deux secondes",
    "ça marche toujours pas",
    "c'est bon ça a marché",
    "désolé la connexion a coupé",
    "vous pouvez vérifier de votre côté ?",
    "l'appli reste bloquée sur le chargement",
    "j'ai déjà vidé le cache",
    "super merci beaucoup",
    "bof pas vraiment",
    "le remboursement prend combien de temps ?",
)

_FR_FILLER_TICKET = (
    "Problème apparu après la dernière mise à jour.",
    "Le client ne parvient pas à réinitialiser son mot de passe.",
    "Transmis au support de niveau deux.",
    "Remboursement demandé pour le double prélèvement.",
    "Solution de contournement proposée, en attente de retour.",
    "Priorité relevée suite à des relances répétées.",
    "Échec de connexion avec un message d'erreur générique.",
    "Colis indiqué comme livré mais non reçu.",
    "Abonnement rétrogradé par erreur.",
    "Le client demande une nouvelle facture.",
    "Le compte apparaît comme suspendu dans la facturation.",
    "Identité vérifiée avant tout échange sur le compte.",
)

_FR_FILLER_CLINICAL = (
    "Le patient décrit une oppression thoracique intermittente à l'effort.",
    "Pas d'allergie médicamenteuse connue.",
    "Tension artérielle dans les normes.",
    "Poursuite du traitement en cours, reconsulter si aggravation.",
    "Pas de fièvre ni de toux.",
    "Auscultation pulmonaire normale.",
    "Antibiothérapie courte prescrite.",
    "Légère douleur lombaire, mobilité conservée.",
    "Le sommeil s'est amélioré depuis l'ajustement de la dose.",
    "Cicatrisation satisfaisante, points en place.",
    "Conseils hygiéno-diététiques donnés.",
    "Orienté vers un kinésithérapeute.",
)

_FR_FILLERS = {
    "chat": _FR_FILLER_CHAT,
    "email": _FR_FILLER_GENERAL,
    "ticket": _FR_FILLER_TICKET + _FR_FILLER_GENERAL,
    "form": _FR_FILLER_GENERAL,
    "clinical": _FR_FILLER_CLINICAL,
    "csv": _FR_FILLER_TICKET,
    "address": _FR_FILLER_GENERAL,
    "list": _FR_FILLER_GENERAL,
}

_FR_PHRASES = {
    "PERSON": (
        "mon collègue {PERSON} peut le confirmer",
        "le compte est au nom de {PERSON}",
        "demandez {PERSON} à l'accueil",
        "c'est {PERSON} qui a passé la commande",
        "le colis a été signé par {PERSON}",
        "je vous écris de la part de {PERSON}",
        "le dossier est suivi par {PERSON}",
    ),
    "EMAIL_ADDRESS": (
        "vous pouvez me joindre à {EMAIL_ADDRESS}",
        "mon adresse mail est {EMAIL_ADDRESS}",
        "merci de répondre à {EMAIL_ADDRESS}",
        "envoyez le reçu à {EMAIL_ADDRESS}",
        "mon courriel : {EMAIL_ADDRESS}",
        "écrivez-moi sur {EMAIL_ADDRESS}",
        "mon e-mail perso : {EMAIL_ADDRESS}",
        "mettez {EMAIL_ADDRESS} en copie",
        "l'adresse {EMAIL_ADDRESS} ne reçoit plus rien",
        "adresse électronique : {EMAIL_ADDRESS}",
        "je n'ai plus accès à {EMAIL_ADDRESS}",
        "changez mon adresse pour {EMAIL_ADDRESS}",
    ),
    "PHONE_NUMBER": (
        "appelez-moi au {PHONE_NUMBER}",
        "mon numéro est le {PHONE_NUMBER}",
        "je suis joignable au {PHONE_NUMBER}",
        "rappelez le {PHONE_NUMBER} en fin de journée",
        "mon portable : {PHONE_NUMBER}",
        "le rappel est parti vers le {PHONE_NUMBER}",
        "tél. {PHONE_NUMBER}",
    ),
    "CREDIT_CARD": (
        "j'ai payé avec la carte {CREDIT_CARD}",
        "la carte {CREDIT_CARD} a été débitée deux fois",
        "ma carte bancaire est la {CREDIT_CARD}",
        "le paiement a été fait avec {CREDIT_CARD}",
        "numéro de carte {CREDIT_CARD}",
        "prélevé sur la CB {CREDIT_CARD}",
    ),
    "IBAN_CODE": (
        "merci de rembourser sur l'IBAN {IBAN_CODE}",
        "mon RIB : {IBAN_CODE}",
        "le virement vient du compte {IBAN_CODE}",
        "versez la somme sur {IBAN_CODE}",
        "IBAN {IBAN_CODE}",
        "coordonnées bancaires : {IBAN_CODE}",
    ),
    "IP_ADDRESS": (
        "la connexion venait de {IP_ADDRESS}",
        "mon adresse IP est {IP_ADDRESS}",
        "le pare-feu a bloqué {IP_ADDRESS}",
        "je me connecte depuis {IP_ADDRESS}",
        "adresse IP source {IP_ADDRESS}",
        "l'accès suspect provenait de {IP_ADDRESS}",
    ),
    "FR_NIR": (
        "mon numéro de sécurité sociale est le {FR_NIR}",
        "n° de sécu : {FR_NIR}",
        "NIR {FR_NIR}",
        "numéro d'assuré social {FR_NIR}",
        "ma carte Vitale porte le numéro {FR_NIR}",
        "le numéro de sécurité sociale {FR_NIR} a été vérifié",
        "numéro INSEE {FR_NIR}",
    ),
    "FR_SIREN": (
        "notre SIREN est {FR_SIREN}",
        "entreprise immatriculée sous le numéro {FR_SIREN}",
        "SIREN : {FR_SIREN}",
        "le numéro SIREN {FR_SIREN} figure sur la facture",
        "ma micro-entreprise a le SIREN {FR_SIREN}",
        "RCS Paris {FR_SIREN}",
        "SIREN de la société : {FR_SIREN}",
    ),
    "FR_SIRET": (
        "notre SIRET est {FR_SIRET}",
        "SIRET : {FR_SIRET}",
        "numéro SIRET de l'établissement {FR_SIRET}",
        "la facture porte le SIRET {FR_SIRET}",
        "mon auto-entreprise (SIRET {FR_SIRET})",
        "établissement {FR_SIRET} fermé",
    ),
    "STREET_ADDRESS": (
        "j'habite au {STREET_ADDRESS}",
        "livrez au {STREET_ADDRESS}",
        "notre nouvelle adresse est {STREET_ADDRESS}",
        "le colis est parti au {STREET_ADDRESS}",
        "domicilié {STREET_ADDRESS}",
        "adresse de livraison : {STREET_ADDRESS}",
    ),
    "LOCATION": (
        "je suis actuellement à {LOCATION}",
        "le colis est bloqué à {LOCATION}",
        "nous avons déménagé à {LOCATION}",
        "l'agence de {LOCATION} n'a pas pu m'aider",
        "je viens de {LOCATION}",
        "envoyé depuis {LOCATION}",
        "je travaille à {LOCATION}",
    ),
    "DATE_TIME": (
        "je suis né le {DATE_TIME}",
        "la commande date du {DATE_TIME}",
        "c'est comme ça depuis le {DATE_TIME}",
        "le {DATE_TIME} j'ai été débité deux fois",
        "date de naissance : {DATE_TIME}",
        "rendez-vous prévu le {DATE_TIME}",
        "arrêt de travail depuis le {DATE_TIME}",
    ),
    "URL": (
        "voir {URL}",
        "le lien {URL} ne marche pas",
        "mon profil est sur {URL}",
        "l'erreur apparaît sur {URL}",
        "la page {URL} affiche une erreur 404",
        "cf. {URL}",
        "le formulaire {URL} refuse ma saisie",
    ),
}

_FR_TEMPLATES = {
    "chat": (
        "bonjour, {FILLER} {DETAIL}",
        "client : {FILLER}\nconseiller : {FILLER}\nclient : {DETAIL}\nconseiller : merci {FIRST_NAME}, "
        "{FILLER}",
        "salut c'est {FIRST_NAME}. {DETAIL} et {DETAIL}",
        "moi : {FILLER}\nsupport : vous pouvez confirmer votre adresse mail ?\nmoi : {EMAIL_ADDRESS}\n"
        "support : {FILLER}",
        "{FILLER}. {DETAIL}. {FILLER}",
        "utilisateur : {DETAIL}\nbot : je peux vous aider.\nutilisateur : aussi {DETAIL}\nbot : {FILLER}",
        "[14:02] {FIRST_NAME:a} : {FILLER}\n[14:03] conseiller : un numéro pour vous rappeler ?\n"
        "[14:03] {FIRST_NAME:a} : {PHONE_NUMBER}",
        "coucou, {DETAIL} stp",
        "conseiller : Bonjour, je m'appelle {FIRST_NAME}. {FILLER}\nvisiteur : {DETAIL}\n"
        "conseiller : {FILLER}",
        "{FIRST_NAME:a} : c'est quoi l'adresse de livraison déjà ?\nmoi : {STREET_ADDRESS}\n"
        "{FIRST_NAME:a} : {FILLER}",
        "allo ? {DETAIL}",
        "{FIRST_NAME:a} : {FILLER}\nconseiller : quel est votre numéro de sécu ?\n{FIRST_NAME:a} : {FR_NIR}",
    ),
    "email": (
        "Bonjour {FIRST_NAME},\n\n{FILLER} {Detail}.\n\n{FILLER}\n\nCordialement,\n{PERSON}\n{PHONE_NUMBER}",
        "Bonjour,\n\n{FILLER} {Detail}. {FILLER}\n\nMerci,\n{PERSON}\n{EMAIL_ADDRESS}",
        "Madame, Monsieur,\n\n{FILLER}\n\nJe vous prie d'agréer mes salutations distinguées.\n\n"
        "{PERSON}\n{ADDRESS_LINES}",
        "Bonjour à tous,\n\n{FILLER} {FILLER}\n\nBien à vous,\n{PERSON}\nTél. : {PHONE_NUMBER} | "
        "Mél : {EMAIL_ADDRESS}",
        "Bonjour,\n\n{Detail}. {FILLER}\n\n--\n{PERSON}\nResponsable clientèle\n{STREET_ADDRESS}",
        "Cher {PERSON},\n\n{FILLER}\n\nBonne journée,\n{FIRST_NAME}\nEnvoyé de mon iPhone",
        "Objet : {FILLER}\n\n{FILLER} {Detail}.\n\nCdt,\n{PERSON}\nSIRET {FR_SIRET}\n{URL}",
        "Bonsoir,\n\n{Detail}. {FILLER}\n\nMerci d'avance,\n{FIRST_NAME}\n\n"
        "-----Message d'origine-----\nDe : {PERSON} <{EMAIL_ADDRESS}>\nEnvoyé : {DATE_TIME}",
        "Bonjour Madame {PERSON},\n\n{FILLER} {Detail}.\n\nSincères salutations,\n{PERSON}\n"
        "Portable : {PHONE_NUMBER}",
    ),
    "ticket": (
        "Résumé : {FILLER}\nDescription : {FILLER} {Detail}.\nActions : {FILLER}",
        "Signalé par {PERSON} via le formulaire web. {FILLER} Le client indique : {DETAIL}. {FILLER}",
        "[Facturation] {FILLER} Appelant vérifié avec {DETAIL}. Rappel demandé au {PHONE_NUMBER}.",
        "Problème : {FILLER}\nImpact : un utilisateur\nContact : {PERSON} <{EMAIL_ADDRESS}>\n"
        "Notes : {Detail}.",
        "Note interne : {FILLER} {Detail}. {Detail}. {FILLER}",
        "Ticket rouvert. {FILLER} Le client a écrit : « {DETAIL} ». {FILLER}",
        "Priorité : haute\nDemandeur : {PERSON}\nTéléphone : {PHONE_NUMBER}\nRésumé : {FILLER}",
        "Ticket automatique\nNavigateur : Firefox\nIP source : {IP_ADDRESS}\n"
        "Description : {FILLER} {Detail}.",
        "Appel entrant. {FILLER} Identité confirmée avec {DETAIL} et {DETAIL}. {FILLER}",
    ),
    "form": (
        "--- formulaire de contact ---\nNom : {PERSON}\nCourriel : {EMAIL_ADDRESS}\n"
        "Téléphone : {PHONE_NUMBER}\nMessage : {FILLER}",
        "Nom complet : {PERSON}\nAdresse : {STREET_ADDRESS}\nVille : {LOCATION}\nCommentaire : {FILLER}",
        "NOUVEAU PROSPECT\nClient = {PERSON}\nE-mail = {EMAIL_ADDRESS}\nOffre = premium\nSource = formulaire",
        "N° de carte :\t{CREDIT_CARD}\nTitulaire :\t{PERSON}\nStatut :\touvert",
        "Demandeur\nN° de sécurité sociale : {FR_NIR}\nDate de naissance : {DATE_TIME}\n"
        "Nom de naissance : {PERSON}\nNewsletter : non",
        "IBAN : {IBAN_CODE}\nTitulaire du compte : {PERSON}\nContact préféré : courriel\nMessage : {FILLER}",
        "Raison sociale : SARL Les Ateliers\nSIREN : {FR_SIREN}\nSIRET : {FR_SIRET}\nGérant : {PERSON}\n"
        "Site web : {URL}",
        "nom: {PERSON}\nadresse: {STREET_ADDRESS}\nportable: {PHONE_NUMBER}\nné le: {DATE_TIME}\n"
        "remarques: {FILLER}",
        "Champ | Valeur\nInterlocuteur | {PERSON}\nTéléphone fixe | {PHONE_NUMBER}\n"
        "Dernière IP | {IP_ADDRESS}\nFormule | essentiel",
    ),
    "clinical": (
        "Patient : {PERSON}\nNé(e) le : {DATE_TIME}\nMotif : {FILLER}\nExamen : {FILLER}\n"
        "Conduite à tenir : {FILLER}",
        "Vu en consultation le {DATE_TIME}. {FILLER} {FILLER} Personne à prévenir : {PERSON}, "
        "{PHONE_NUMBER}.",
        "Mme {PERSON} se présente pour contrôle. {FILLER} Domiciliée {STREET_ADDRESS}.",
        "Téléconsultation. {FILLER} Patient joint au {PHONE_NUMBER}. {FILLER}",
        "Suivi de {FIRST_NAME}. {FILLER} {FILLER} Vérification mutuelle : {Detail}.",
        "Compte rendu de sortie. {FILLER} Retour à domicile au {STREET_ADDRESS}. "
        "Courriel de contact {EMAIL_ADDRESS}.",
        "PATIENT : {PERSON}   N° SS : {FR_NIR}\nANTÉCÉDENTS : {FILLER}\nTRAITEMENT : {FILLER}",
        "Courrier d'adressage\n\nCher confrère,\n\nJe vous adresse {PERSON}, né le {DATE_TIME}. "
        "{FILLER} {FILLER}\n\nBien confraternellement,\nDr {PERSON}",
        "Note infirmière : {FILLER} Sa fille {FIRST_NAME} est passée et a laissé son numéro "
        "{PHONE_NUMBER}. {FILLER}",
    ),
    "csv": (
        "{PERSON};{EMAIL_ADDRESS};premium;actif",
        "{PERSON};{PHONE_NUMBER};{LOCATION};renouvellement",
        "utilisateur={EMAIL_ADDRESS} ip={IP_ADDRESS} action=connexion statut=échec",
        "commande 4821 ; {PERSON} ; {STREET_ADDRESS} ; payée ; expédiée",
        "remboursement;{IBAN_CODE};validé;{FILLER}",
        "nir {FR_NIR} | siren {FR_SIREN} | dossier en attente",
        "{FR_SIRET};{PERSON};{URL};client professionnel",
        "carte={CREDIT_CARD}; titulaire={PERSON}; statut=expirée",
        '"{DATE_TIME}","{PERSON}","{PHONE_NUMBER}","rappel"',
    ),
    "address": (
        "Merci d'envoyer le remplacement à :\n\n{ADDRESS_BLOCK}\n\n{FILLER}",
        "Adresse de livraison :\n{ADDRESS_BLOCK}\nAdresse de facturation : identique",
        "{FILLER}\n\nDestinataire :\n{ADDRESS_BLOCK}\nTél : {PHONE_NUMBER}",
        "Nouvelle adresse à partir de la semaine prochaine :\n{ADDRESS_LINES}\n{FILLER}",
        "Bonjour, mes coordonnées ont changé.\nAncienne adresse :\n{ADDRESS_LINES}\n"
        "Nouvelle adresse :\n{ADDRESS_LINES}\nMerci, {FIRST_NAME}",
        "Livrer à\n{ADDRESS_BLOCK}\n(laisser chez le gardien si absent)",
        "Expéditeur :\nM. {ADDRESS_BLOCK}",
        "Facturer à :\n{ADDRESS_BLOCK}\n{EMAIL_ADDRESS}\n\n{FILLER}",
        "Adresse postale\n{ADDRESS_LINES}\nDigicode sur demande",
    ),
    "list": (
        "Participants :\n- {PERSON} ({EMAIL_ADDRESS})\n- {PERSON}\n- {PERSON} (invité)",
        "Actions :\n1. {Detail}\n2. {FILLER}\n3. {Detail}",
        "Contacts à mettre à jour :\n* {PERSON} : {PHONE_NUMBER}\n* {PERSON} : {EMAIL_ADDRESS}",
        "À faire\n[x] {FILLER}\n[ ] {Detail}\n[ ] {FILLER}",
        "Points ouverts :\n- {FILLER}\n- {Detail}\n- {FILLER}",
        "Rappels du jour :\n1) {FIRST_NAME} - {PHONE_NUMBER}\n2) {FIRST_NAME} - {PHONE_NUMBER}\n"
        "3) {FIRST_NAME} - {PHONE_NUMBER}",
        "Comptes en double :\n  • {EMAIL_ADDRESS}\n  • {EMAIL_ADDRESS}\nFusion demandée par {PERSON}.",
        "Compte rendu d'appel :\n- {Detail}\n- {Detail}\n- {FILLER}",
        "Connexions bloquées :\n{IP_ADDRESS}\n{IP_ADDRESS}\nsignalé par {FIRST_NAME}",
    ),
}

# Pipeline records with French text (generate_records(french=...)).
_FR_SUBJECTS = (
    "Demande de remboursement",
    "Impossible de me connecter",
    "Carte débitée deux fois",
    "Question sur ma facture",
    "Problème de livraison",
    "Compte bloqué",
    "Changement d'adresse pour {PERSON}",
    "Merci de me rappeler : {PHONE_NUMBER}",
    "Urgent : {FILLER}",
)
_FR_NOTES = (
    "Client vérifié avec {DETAIL}.",
    "Préfère être contacté par courriel.",
    "Ancien ticket fusionné avec celui-ci.",
    "Échange avec {PERSON}, {FILLER}",
    "Autre contact : {PHONE_NUMBER}.",
    "{FILLER}",
)

# Street vocabulary for generated addresses (generator wording only; detectors use their own).
_US_STREET_TYPES = {
    "Street": "St",
    "Avenue": "Ave",
    "Road": "Rd",
    "Drive": "Dr",
    "Lane": "Ln",
    "Boulevard": "Blvd",
    "Court": "Ct",
    "Place": "Pl",
    "Circle": "Cir",
    "Parkway": "Pkwy",
    "Terrace": "Ter",
    "Way": "Way",
}
_UK_STREET_TYPES = (
    "Street",
    "Road",
    "Lane",
    "Close",
    "Avenue",
    "Gardens",
    "Crescent",
    "Terrace",
    "Way",
    "Drive",
    "Mews",
)
_FR_STREET_TYPES = (
    "rue",
    "rue",
    "rue",
    "avenue",
    "boulevard",
    "allée",
    "impasse",
    "place",
    "chemin",
    "quai",
    "route",
    "cours",
    "square",
)
_FR_STREET_TYPE_SHORT = {"avenue": "av.", "boulevard": "bd"}
_FR_STREET_NAMES = (
    "de la Paix",
    "de la Gare",
    "de la République",
    "de la Liberté",
    "de la Mairie",
    "de l'Église",
    "des Tilleuls",
    "des Lilas",
    "des Écoles",
    "du Moulin",
    "du Château",
    "du Port",
    "des Vignes",
    "du Lac",
    "de la Fontaine",
    "des Acacias",
    "du Stade",
    "de la Poste",
    "du Général Leclerc",
    "Jean Jaurès",
    "Victor Hugo",
    "Pasteur",
    "Gambetta",
    "Voltaire",
)
_FR_COMPLEMENTS = (
    "Appartement {n}",
    "Appt {n}",
    "Bâtiment {L}",
    "Bât. {L}, escalier {n}",
    "Résidence {NAME}",
    "{n}e étage",
    "Porte {n}",
)
_FR_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


# === Template registry and the tuning / held-out split ========================================

_CORPUS_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")
_SPAN_SLOTS = {"FIRST_NAME": "PERSON", "ADDRESS_LINES": "STREET_ADDRESS"}
TYPO_SHARE = 0.15  # of filler sentences


def _corpus_tables(language: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(templates per style, phrases per entity type) of one language."""
    if language == "en":
        templates = {s: _RECORD_TEMPLATES.get(s, ()) + _EN_MORE_TEMPLATES.get(s, ()) for s in STYLES}
        phrases = {t: _PHRASES[t] + _EN_MORE_PHRASES.get(t, ()) for t in EN_TYPES}
        return templates, phrases
    return _FR_TEMPLATES, _FR_PHRASES


def split_of(template_id: str) -> str:
    """'heldout' for about one template id in three, else 'tuning'; the same on every machine.

    A hash of the id alone, so adding a template never moves another across the split.
    """
    digest = hashlib.sha256(template_id.encode("utf-8")).digest()
    return "heldout" if int.from_bytes(digest[:8], "big") % 3 == 0 else "tuning"


def _numbered(prefix: str, texts: Sequence[str]) -> dict[str, str]:
    return {f"{prefix}.{index:02d}": text for index, text in enumerate(texts, 1)}


def _registry() -> tuple[dict[str, str], dict[str, str], dict, dict]:
    templates: dict[str, str] = {}
    phrases: dict[str, str] = {}
    template_groups: dict[tuple[str, str], tuple[str, ...]] = {}
    phrase_groups: dict[tuple[str, str, str | None], tuple[str, ...]] = {}
    for language in LANGUAGES:
        by_style, by_type = _corpus_tables(language)
        for style in STYLES:
            numbered = _numbered(f"{language}.{style}", by_style[style])
            templates.update(numbered)
            template_groups[(language, style)] = tuple(numbered)
        for entity_type in LANGUAGE_TYPES[language]:
            numbered = _numbered(f"{language}.phrase.{entity_type}", by_type[entity_type])
            phrases.update(numbered)
            phrase_groups[(language, entity_type, None)] = tuple(numbered)
            for part in PARTS:
                phrase_groups[(language, entity_type, part)] = tuple(
                    i for i in numbered if split_of(i) == part
                )
    return templates, phrases, template_groups, phrase_groups


#: TEMPLATES: template id (`en.chat.03`) -> text. PHRASES: phrase id (`fr.phrase.FR_NIR.02`) ->
#: text carrying one value, for DETAIL slots. The groups: ids per (language, style) and per
#: (language, entity type, part or None).
TEMPLATES, PHRASES, _TEMPLATE_GROUPS, _PHRASE_GROUPS = _registry()


def template_ids(language: str | None = None, style: str | None = None, part: str | None = None) -> list[str]:
    """Ids of the corpus templates, optionally of one language, style and part."""
    return [
        template_id
        for (lang, sty), ids in _TEMPLATE_GROUPS.items()
        if language in (None, lang) and style in (None, sty)
        for template_id in ids
        if part in (None, split_of(template_id))
    ]


def pii_slot_count(template: str) -> int:
    """How many PII spans a template inserts (a DETAIL phrase holds one, an ADDRESS_BLOCK two)."""
    count = 0
    for name, _ in _CORPUS_SLOT.findall(template):
        if name == "ADDRESS_BLOCK":
            count += 2
        elif name in ENTITY_TYPES or name in _SPAN_SLOTS or name in ("DETAIL", "Detail"):
            count += 1
    return count


class _Text:
    """A text under construction with the gold spans of the values appended to it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[dict] = []
        self.fillers: set[str] = set()

    def add(self, piece: str) -> None:
        self.parts.append(piece)
        self.length += len(piece)

    def add_value(self, entity_type: str, value: str) -> None:
        self.spans.append({"start": self.length, "end": self.length + len(value), "type": entity_type})
        self.add(value)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class _Fake:
    """All randomness for one seed: one Random for choices, one seeded Faker per locale."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for offset, locale in enumerate(("en_US", "en_GB", "de_DE", "fr_FR")):
            fake = Faker(locale)
            fake.seed_instance(seed * 10 + offset)
            self.fakers[locale] = fake

    # -- values ------------------------------------------------------------------------------

    def _person_locale(self) -> Faker:
        return self.fakers[self.rng.choice(("en_US", "en_GB"))]

    def first_name(self) -> str:
        return self._person_locale().first_name()

    def person(self) -> str:
        fake = self._person_locale()
        if self.rng.random() < 0.2:
            initial = self.rng.choice("ABCDEFGHJKLMNPRSTW")
            return f"{fake.first_name()} {initial}. {fake.last_name()}"
        return f"{fake.first_name()} {fake.last_name()}"

    def email(self) -> str:
        fake = self._person_locale()
        kind = self.rng.randrange(4)
        if kind == 0:
            return fake.email()
        if kind == 1:
            return fake.free_email()
        if kind == 2:
            return fake.company_email()
        first, last = _ascii_name(fake.first_name()), _ascii_name(fake.last_name())
        sep = self.rng.choice((".", "_", ""))
        return f"{first}{sep}{last}{self.rng.randrange(100)}@{fake.free_email_domain()}"

    def phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            area, line = rng.choice(_US_AREA), f"01{rng.randrange(100):02d}"
            return rng.choice(
                (
                    f"({area}) 555-{line}",
                    f"{area}-555-{line}",
                    f"{area}.555.{line}",
                    f"+1 {area} 555 {line}",
                    f"+1-{area}-555-{line}",
                    f"1 ({area}) 555-{line}",
                )
            )
        area, local = rng.choice(_UK_AREA)
        local = f"{local}{rng.randrange(1000):03d}"
        if area == "20":  # London: 020 xxxx xxxx
            return rng.choice((f"+44 20 {local}", f"020 {local}", f"(020) {local}"))
        return rng.choice((f"+44 {area} {local}", f"0{area} {local}", f"(0{area}) {local}"))

    def credit_card(self) -> str:
        card_type = self.rng.choice(_CARD_TYPES)
        number = self.fakers["en_US"].credit_card_number(card_type=card_type)
        style = self.rng.randrange(3)
        if style == 0:
            return number
        sep = " " if style == 1 else "-"
        if len(number) == 15:  # American Express prints 4-6-5
            groups = [number[:4], number[4:10], number[10:]]
        else:
            groups = [number[i : i + 4] for i in range(0, len(number), 4)]
        return sep.join(groups)

    def iban(self) -> str:
        value = self.fakers[self.rng.choice(("en_GB", "de_DE", "fr_FR"))].iban()
        if self.rng.random() < 0.5:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value

    def ip_address(self) -> str:
        fake = self.fakers["en_US"]
        kind = self.rng.randrange(4)
        if kind == 0:
            return fake.ipv4_public()
        if kind == 1:
            return fake.ipv4_private()
        if kind == 2:
            return fake.ipv6()
        return str(ipaddress.IPv6Address(fake.ipv6()).compressed)

    def ssn(self) -> str:
        rng = self.rng
        area = rng.choice([a for a in range(1, 900) if a != 666])
        group, serial = rng.randint(1, 99), rng.randint(1, 9999)
        sep = rng.choice(("-", " "))
        return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"

    def driver_license(self) -> str:
        rng = self.rng

        def digits(k: int) -> str:
            return "".join(rng.choice("0123456789") for _ in range(k))

        letters = "ABCDEFGHJKLMNPRSTWY"
        letter, second = rng.choice(letters), rng.choice(letters)
        return rng.choice(
            (
                f"{letter}{digits(7)}",  # California
                f"{letter}{digits(8)}",  # Ohio-style letter + 8
                f"{letter}{digits(12)}",  # Florida/Illinois without dashes
                f"{letter}{digits(3)}-{digits(4)}-{digits(4)}",  # Illinois printed
                digits(9),  # New York
                digits(8),  # Texas
                f"{letter}{second}{digits(6)}",  # two letters + 6
            )
        )

    def street_address(self) -> str:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return self.fakers["en_US"].street_address()
        if kind == 1:
            return self.fakers["en_GB"].street_address().replace("\n", ", ")
        if kind == 2:
            fake = self.fakers["en_US"]
            sep = rng.choice((" ", ", "))
            return f"{fake.building_number()} {fake.street_name()}{sep}{fake.secondary_address()}"
        fake = self.fakers["en_GB"]
        return f"Flat {rng.randint(1, 40)}, {fake.building_number()} {fake.street_name()}"

    def location(self) -> str:
        if self.rng.random() < 0.5:
            return self._person_locale().city()
        return self.fakers["en_US"].location_on_land()[2]

    def date(self) -> str:
        day = date(1940, 1, 1) + timedelta(days=self.rng.randrange(31_000))
        fmt = self.rng.choice(("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%B %d, %Y", "%d %B %Y", "%b %d, %Y"))
        return day.strftime(fmt)

    def url(self) -> str:
        fake = self.fakers[self.rng.choice(("en_US", "en_GB"))]
        kind = self.rng.randrange(3)
        if kind == 0:
            return fake.url()
        if kind == 1:
            return fake.url().rstrip("/") + "/" + fake.uri_path()
        return f"www.{fake.domain_name()}/{fake.uri_page()}"

    def value(self, entity_type: str) -> str:
        return {
            "PERSON": self.person,
            "EMAIL_ADDRESS": self.email,
            "PHONE_NUMBER": self.phone,
            "CREDIT_CARD": self.credit_card,
            "IBAN_CODE": self.iban,
            "IP_ADDRESS": self.ip_address,
            "US_SSN": self.ssn,
            "US_DRIVER_LICENSE": self.driver_license,
            "STREET_ADDRESS": self.street_address,
            "LOCATION": self.location,
            "DATE_TIME": self.date,
            "URL": self.url,
        }[entity_type]()

    # -- texts -------------------------------------------------------------------------------

    def render(self, template: str, style: str, out: _Text) -> None:
        pos = 0
        for match in _SLOT.finditer(template):
            out.add(template[pos : match.start()])
            name = match.group(1)
            if name in EN_TYPES:
                out.add_value(name, self.value(name))
            elif name == "FIRST_NAME":
                out.add_value("PERSON", self.first_name())
            elif name in ("DETAIL", "Detail"):
                phrase = self.rng.choice(_PHRASES[self.rng.choice(EN_TYPES)])
                if name == "Detail" and not phrase.startswith("{"):
                    phrase = phrase[0].upper() + phrase[1:]
                self.render(phrase, style, out)
            elif name == "FILLER":
                unused = [f for f in _FILLERS[style] if f not in out.fillers]
                filler = self.rng.choice(unused)
                out.fillers.add(filler)
                out.add(filler)
            else:
                raise KeyError(f"unknown template slot {name!r}")
            pos = match.end()
        out.add(template[pos:])

    def form_template(self) -> str:
        rng = self.rng
        types = rng.sample(list(_FORM_FIELDS), k=rng.randint(1, _RECORD_MAX_PII))
        lines = [f"{rng.choice(_FORM_FIELDS[t])}: {{{t}}}" for t in types]
        lines += rng.sample(_FORM_EXTRAS, k=rng.randint(1, 3))
        rng.shuffle(lines)
        sep = rng.choice((": ", ": ", ":\t", " = "))
        return rng.choice(_FORM_HEADERS) + "\n".join(line.replace(": ", sep, 1) for line in lines)

    def text(self, style: str) -> _Text:
        template = self.form_template() if style == "form" else self.rng.choice(_RECORD_TEMPLATES[style])
        out = _Text()
        self.render(template, style, out)
        return out


def _ascii_name(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower()) or "user"


# === Corpus values and texts ====================================================================


def _ascii_fold(name: str) -> str:
    """'Éléonore' -> 'eleonore', 'Da Costa' -> 'dacosta': a name as it appears in an address."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z-]", "", plain).strip("-") or "user"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _recase(text: str, change: Callable[[str], str]) -> str:
    """`change` applied per character where it keeps the length (offsets stay exact)."""
    out = []
    for char in text:
        changed = change(char)
        out.append(changed if len(changed) == 1 else char)
    return "".join(out)


def _with_casing(text: str, spans: Sequence[dict], casing: str) -> str:
    if casing == "lower":
        return _recase(text, str.lower)
    if casing == "upper":
        return _recase(text, str.upper)
    if casing == "names-lower":
        for span in spans:
            if span["type"] == "PERSON":
                start, end = span["start"], span["end"]
                text = text[:start] + _recase(text[start:end], str.lower) + text[end:]
    return text


def _typo(rng: random.Random, sentence: str) -> str:
    """One slip in one word of four letters or more: two letters swapped, one dropped or doubled."""
    words = list(re.finditer(r"[^\W\d_]{4,}", sentence))
    if not words:
        return sentence
    match = rng.choice(words)
    word, i = match.group(), rng.randrange(1, len(match.group()) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == 1:
        word = word[:i] + word[i + 1 :]
    else:
        word = word[: i + 1] + word[i:]
    return sentence[: match.start()] + word + sentence[match.end() :]


@dataclass
class _Context:
    """What a template is rendered for: language, style, part (None: phrases of either part)."""

    language: str
    style: str
    part: str | None
    reused: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


class _Writer:
    """Values and texts of the labelled corpus, drawn from the randomness of one `_Fake`."""

    def __init__(self, fake: _Fake) -> None:
        self.fake = fake
        self.rng = fake.rng
        self.en_us, self.en_gb, self.fr = fake.fakers["en_US"], fake.fakers["en_GB"], fake.fakers["fr_FR"]
        self.makers: dict[str, dict[str, Callable[[], str]]] = {
            "en": {
                "PERSON": fake.person,
                "EMAIL_ADDRESS": fake.email,
                "PHONE_NUMBER": self.phone_en,
                "CREDIT_CARD": fake.credit_card,
                "IBAN_CODE": fake.iban,
                "IP_ADDRESS": fake.ip_address,
                "US_SSN": fake.ssn,
                "US_DRIVER_LICENSE": fake.driver_license,
                "STREET_ADDRESS": self.street_address_en,
                "LOCATION": fake.location,
                "DATE_TIME": fake.date,
                "URL": fake.url,
            },
            "fr": {
                "PERSON": self.person_fr,
                "EMAIL_ADDRESS": self.email_fr,
                "PHONE_NUMBER": self.phone_fr,
                "CREDIT_CARD": fake.credit_card,
                "IBAN_CODE": self.iban_fr,
                "IP_ADDRESS": fake.ip_address,
                "FR_NIR": self.nir,
                "FR_SIREN": self.siren,
                "FR_SIRET": self.siret,
                "STREET_ADDRESS": self.street_address_fr,
                "LOCATION": self.location_fr,
                "DATE_TIME": self.date_fr,
                "URL": self.url_fr,
            },
        }

    def value(self, language: str, entity_type: str) -> str:
        return self.makers[language][entity_type]()

    def first_name(self, language: str) -> str:
        return self.fake.first_name() if language == "en" else self.fr.first_name()

    def address_lines(self, language: str) -> str:
        return self.address_lines_en() if language == "en" else self.address_lines_fr()

    # -- English and international ----------------------------------------------------------

    def phone_en(self) -> str:
        roll = self.rng.random()
        if roll < 0.1:
            return self.phone_fr(international=True)
        if roll < 0.2:
            return self.uk_mobile()
        return self.fake.phone()

    def uk_mobile(self) -> str:
        # Random digits after a prefix in use: Ofcom's drama range for mobiles (07700 900xxx) is
        # one phone libraries reject as unallocated, which real text never shows.
        rng = self.rng
        prefix = rng.choice(_UK_MOBILE_PREFIXES)
        rest = "".join(rng.choice("0123456789") for _ in range(7))
        number = prefix[1:] + rest  # without the trunk 0
        return rng.choice(
            (
                f"0{number[:4]} {number[4:]}",
                f"0{number[:4]} {number[4:7]} {number[7:]}",
                f"0{number}",
                f"+44 {number[:4]} {number[4:]}",
                f"+44 (0){number[:4]} {number[4:]}",
            )
        )

    def us_street(self) -> tuple[str, str]:
        """(number and street, unit or '')."""
        rng, fake = self.rng, self.en_us
        roll = rng.random()
        if roll < 0.45:
            name = fake.street_name()
        elif roll < 0.6:
            name = f"{_ordinal(rng.randint(1, 99))} {rng.choice(list(_US_STREET_TYPES))}"
        else:
            name = f"{fake.last_name()} {rng.choice(list(_US_STREET_TYPES))}"
        words = name.split(" ")
        if words[-1] in _US_STREET_TYPES and rng.random() < 0.5:
            words[-1] = _US_STREET_TYPES[words[-1]] + rng.choice(("", "", "."))
        if rng.random() < 0.1:
            words.insert(0, rng.choice(("N", "S", "E", "W")))
        line = f"{fake.building_number()} {' '.join(words)}"
        unit = ""
        if rng.random() < 0.3:
            kind = rng.randrange(4)
            number = rng.randint(1, 40)
            unit = (
                fake.secondary_address(),
                f"#{number}",
                f"Unit {number}{rng.choice(('', 'A', 'B'))}",
                f"Apt {number}{rng.choice('ABCD')}",
            )[kind]
        return line, unit

    def us_city_line(self) -> str:
        fake = self.en_us
        zip_code = fake.zipcode_plus4() if self.rng.random() < 0.2 else fake.zipcode()
        return f"{fake.city()}, {fake.state_abbr()} {zip_code}"

    def uk_street(self) -> tuple[str, str]:
        """(number and street, flat or '')."""
        rng, fake = self.rng, self.en_gb
        number = f"{rng.randint(1, 240)}{rng.choice(('', '', '', 'A', 'B'))}"
        if rng.random() < 0.5:
            name = fake.street_name()
        else:
            name = f"{fake.last_name()} {rng.choice(_UK_STREET_TYPES)}"
        unit = ""
        if rng.random() < 0.35:
            flat = rng.randint(1, 40)
            unit = rng.choice(
                (f"Flat {flat}", f"Flat {flat}{rng.choice('ABC')}", f"Apartment {flat}", f"Studio {flat}")
            )
        return f"{number} {name}", unit

    def uk_town(self, sep: str) -> str:
        town = self.en_gb.city()
        if self.rng.random() < 0.2:
            town = town.upper()
        return f"{town}{sep}{self.en_gb.postcode()}"

    def street_address_en(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            return self.fake.street_address()
        if roll < 0.5:
            line, unit = self.us_street()
            return f"{line}{rng.choice((' ', ', '))}{unit}" if unit else line
        if roll < 0.65:
            line, unit = self.us_street()
            return f"{line} {unit}, {self.us_city_line()}" if unit else f"{line}, {self.us_city_line()}"
        if roll < 0.75:
            line, unit = self.uk_street()
            return f"{unit}, {line}" if unit else line
        if roll < 0.95:
            line, unit = self.uk_street()
            street = f"{unit}, {line}" if unit else line
            return f"{street}, {self.uk_town(rng.choice((' ', ', ')))}"
        return self.street_address_fr()

    def address_lines_en(self) -> str:
        """A US or UK postal address over two to four lines (the name line is not part of it)."""
        rng = self.rng
        if rng.random() < 0.55:
            line, unit = self.us_street()
            inline = bool(unit) and rng.random() < 0.5
            lines = [f"{line} {unit}" if inline else line]
            if unit and not inline:
                lines.append(unit)
            lines.append(self.us_city_line())
        else:
            line, unit = self.uk_street()
            lines = ([unit] if unit else []) + [line, self.uk_town(rng.choice((" ", "\n")))]
        return "\n".join(lines)

    # -- French -----------------------------------------------------------------------------

    def person_fr(self) -> str:
        first, last = self.fr.first_name(), self.fr.last_name()
        roll = self.rng.random()
        if roll < 0.12:
            return f"{last.upper()} {first}"  # as on forms and in administrations
        if roll < 0.2:
            return f"{first} {last.upper()}"
        return f"{first} {last}"

    def email_fr(self) -> str:
        rng, fake = self.rng, self.fr
        kind = rng.randrange(4)
        if kind == 0:
            return fake.email()
        if kind == 1:
            return fake.free_email()
        if kind == 2:
            return fake.company_email()
        first, last = _ascii_fold(fake.first_name()), _ascii_fold(fake.last_name())
        sep = rng.choice((".", "_", "", "-"))
        suffix = rng.choice(("", "", str(rng.randrange(100))))
        return f"{first}{sep}{last}{suffix}@{fake.free_email_domain()}"

    def phone_fr(self, international: bool | None = None) -> str:
        """A French number (Faker fr_FR's digits) in one of the ways people write it."""
        rng = self.rng
        digits = re.sub(r"\D", "", self.fr.phone_number())
        digits = digits.removeprefix("33").removeprefix("0")
        if len(digits) != 9:  # not a shape Faker is known to produce; keep the text well-formed
            digits = "6" + "".join(rng.choice("0123456789") for _ in range(8))
        head, pairs = digits[0], [digits[i : i + 2] for i in range(1, 9, 2)]
        if international is None:
            international = rng.random() < 0.3
        if international:
            return rng.choice(
                (
                    f"+33 {head} {' '.join(pairs)}",
                    f"+33 (0){head} {' '.join(pairs)}",
                    f"+33{head}{''.join(pairs)}",
                    f"0033 {head} {' '.join(pairs)}",
                )
            )
        return rng.choice(
            (
                f"0{head} {' '.join(pairs)}",
                f"0{head} {' '.join(pairs)}",
                f"0{head}{''.join(pairs)}",
                f"0{head}.{'.'.join(pairs)}",
                f"0{head}-{'-'.join(pairs)}",
            )
        )

    def iban_fr(self) -> str:
        value = self.fr.iban()
        if self.rng.random() < 0.6:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value

    def nir(self) -> str:
        """French social security number: sex, year, month, birthplace, order, key (97 - n mod 97)."""
        rng = self.rng
        if rng.random() < 0.08:
            place = f"99{rng.randint(100, 499):03d}"  # born abroad: 99 and a country code
        else:
            department = rng.choice([d for d in range(1, 96) if d != 20])  # Corsica (2A, 2B) left out
            place = f"{department:02d}{rng.randint(1, 990):03d}"
        sex, year, month = rng.choice("12"), rng.randrange(100), rng.randint(1, 12)
        body = f"{sex}{year:02d}{month:02d}{place}{rng.randint(1, 999):03d}"
        value = body + stdnum_nir.calc_check_digits(body)
        style = rng.randrange(3)
        if style == 0:
            groups = (value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:])
            return " ".join(groups)
        if style == 1:
            return value
        return f"{value[:13]} {value[13:]}"

    def _siren_digits(self) -> str:
        base = str(self.rng.randint(1, 9)) + "".join(self.rng.choice("0123456789") for _ in range(7))
        return base + luhn.calc_check_digit(base)

    def siren(self) -> str:
        value = self._siren_digits()
        return f"{value[:3]} {value[3:6]} {value[6:]}" if self.rng.random() < 0.6 else value

    def siret(self) -> str:
        base = self._siren_digits() + f"{self.rng.randint(1, 300):04d}"
        value = base + luhn.calc_check_digit(base)
        return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}" if self.rng.random() < 0.6 else value

    def street_fr(self) -> str:
        rng, fake = self.rng, self.fr
        roll = rng.random()
        if roll < 0.35:
            name = fake.street_name()
        elif roll < 0.6:
            name = f"{rng.choice(_FR_STREET_TYPES)} {fake.first_name()} {fake.last_name()}"
        else:
            name = f"{rng.choice(_FR_STREET_TYPES)} {rng.choice(_FR_STREET_NAMES)}"
        if rng.random() < 0.1:
            kind, _, rest = name.partition(" ")
            name = f"{_FR_STREET_TYPE_SHORT.get(kind, kind)} {rest}"
        if rng.random() < 0.25:
            name = name[0].upper() + name[1:]
        return name

    def house_number_fr(self) -> str:
        number = str(self.rng.randint(1, 180))
        if self.rng.random() < 0.12:
            number += self.rng.choice((" bis", " ter", "bis"))
        return number

    def complement_fr(self) -> str:
        rng = self.rng
        return rng.choice(_FR_COMPLEMENTS).format(
            n=rng.randint(2, 30), L=rng.choice("ABCDE"), NAME=self.fr.last_name()
        )

    def street_address_fr(self) -> str:
        rng, fake = self.rng, self.fr
        address = f"{self.house_number_fr()}{rng.choice((', ', ' ', ' '))}{self.street_fr()}"
        roll = rng.random()
        if roll < 0.45:
            address += f", {fake.postcode()} {fake.city()}"
        elif roll < 0.55:
            address += f" {fake.postcode()} {fake.city()}"
        if rng.random() < 0.06:
            address = f"{self.complement_fr()}, {address}"
        return address

    def address_lines_fr(self) -> str:
        rng, fake = self.rng, self.fr
        lines = [self.complement_fr()] if rng.random() < 0.35 else []
        lines.append(f"{self.house_number_fr()}{rng.choice((', ', ' '))}{self.street_fr()}")
        city = fake.city()
        lines.append(f"{fake.postcode()} {city.upper() if rng.random() < 0.5 else city}")
        return "\n".join(lines)

    def location_fr(self) -> str:
        roll = self.rng.random()
        if roll < 0.6:
            return self.fr.city()
        if roll < 0.8:
            return self.fr.department_name()
        return self.fr.region()

    def date_fr(self) -> str:
        rng = self.rng
        day = date(1940, 1, 1) + timedelta(days=rng.randrange(31_000))
        kind = rng.randrange(6)
        if kind == 0:
            return day.strftime("%d/%m/%Y")
        if kind == 1:
            return day.strftime("%d.%m.%Y")
        if kind == 2:
            return f"{'1er' if day.day == 1 else day.day} {_FR_MONTHS[day.month - 1]} {day.year}"
        if kind == 3:
            return day.strftime("%Y-%m-%d")
        if kind == 4:
            return day.strftime("%d/%m/%y")
        return day.strftime("%d-%m-%Y")

    def url_fr(self) -> str:
        fake = self.fr
        kind = self.rng.randrange(3)
        if kind == 0:
            return fake.url()
        if kind == 1:
            return fake.url().rstrip("/") + "/" + fake.uri_path()
        return f"www.{fake.domain_name()}/{fake.uri_page()}"

    # -- texts ------------------------------------------------------------------------------

    def render(self, template: str, ctx: _Context, out: _Text) -> None:
        rng, language = self.rng, ctx.language
        pos = 0
        for match in _CORPUS_SLOT.finditer(template):
            out.add(template[pos : match.start()])
            name, key = match.group(1), match.group(2)
            if key and (name, key) in ctx.reused:
                out.add_value(*ctx.reused[(name, key)])
            elif name in LANGUAGE_TYPES[language] or name in _SPAN_SLOTS:
                if name == "FIRST_NAME":
                    value = self.first_name(language)
                elif name == "ADDRESS_LINES":
                    value = self.address_lines(language)
                else:
                    value = self.value(language, name)
                entity_type = _SPAN_SLOTS.get(name, name)
                if key:
                    ctx.reused[(name, key)] = (entity_type, value)
                out.add_value(entity_type, value)
            elif name == "ADDRESS_BLOCK":
                out.add_value("PERSON", self.value(language, "PERSON"))
                out.add("\n")
                out.add_value("STREET_ADDRESS", self.address_lines(language))
            elif name in ("DETAIL", "Detail"):
                entity_type = rng.choice(LANGUAGE_TYPES[language])
                phrase = PHRASES[rng.choice(_PHRASE_GROUPS[(language, entity_type, ctx.part)])]
                if name == "Detail" and not phrase.startswith("{"):
                    phrase = phrase[0].upper() + phrase[1:]
                self.render(phrase, ctx, out)
            elif name == "FILLER":
                fillers = _EN_FILLERS if language == "en" else _FR_FILLERS
                filler = rng.choice([f for f in fillers[ctx.style] if f not in out.fillers])
                out.fillers.add(filler)
                out.add(_typo(rng, filler) if rng.random() < TYPO_SHARE else filler)
            else:
                raise KeyError(f"unknown template slot {name!r} for language {language!r}")
            pos = match.end()
        out.add(template[pos:])

    def casing(self, style: str) -> str:
        lower, names, upper = (0.2, 0.15, 0.03) if style == "chat" else (0.03, 0.03, 0.04)
        roll = self.rng.random()
        if roll < lower:
            return "lower"
        if roll < lower + names:
            return "names-lower"
        if roll < lower + names + upper:
            return "upper"
        return "as-written"

    def record(self, record_id: str, language: str, style: str, part: str | None) -> dict:
        ids = [t for t in _TEMPLATE_GROUPS[(language, style)] if part in (None, split_of(t))]
        template_id = self.rng.choice(ids)
        out = _Text()
        self.render(TEMPLATES[template_id], _Context(language, style, split_of(template_id)), out)
        casing = self.casing(style)
        return {
            "id": record_id,
            "text": _with_casing(out.text, out.spans, casing),
            "language": language,
            "style": style,
            "template": template_id,
            "casing": casing,
            "spans": out.spans,
        }


# === Public ====================================================================================


def generate_labelled(
    n: int, seed: int = 0, part: str | None = None, language: str | None = None
) -> list[dict]:
    """`n` labelled texts: {"id", "text", "language", "style", "template", "casing", "spans":
    [{"start", "end", "type"}]}.

    `part` keeps to the templates of one part ("tuning" or "heldout"; default both), `language`
    to one language ("en" or "fr"; default about 30% French). Styles are drawn uniformly, then a
    template of that style. Every text holds 1 to MAX_PII_PER_TEXT values and `text[start:end]`
    of each span is exactly the value inserted (recased along with the text).
    """
    if part not in (None, *PARTS):
        raise ValueError(f"part must be one of {', '.join(PARTS)} or None, not {part!r}")
    if language not in (None, *LANGUAGES):
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)} or None, not {language!r}")
    writer = _Writer(_Fake(seed))
    rng = writer.rng
    records = []
    for index in range(n):
        lang = language or ("fr" if rng.random() < FRENCH_SHARE else "en")
        records.append(writer.record(f"L-{index + 1:06d}", lang, rng.choice(STYLES), part))
    return records


def write_labelled(path: Path, records: Sequence[dict]) -> Path:
    """Write labelled records as JSONL (UTF-8), the input of `scrubline eval`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def generate_records(
    n: int,
    seed: int = 0,
    *,
    types: Collection[str] | None = DIRECT_IDENTIFIERS,
    french: float = 0.0,
) -> tuple[list[dict], list[str]]:
    """`n` support-ticket records and the distinct PII values inserted into them.

    Records: {"id": "T-000001", "subject", "body", "customer": {"name", "email", "notes"},
    "created_at" (ISO 8601, UTC), "priority", "channel"}. The values list holds, in order of
    first use, every value of an entity type in `types` (default: DIRECT_IDENTIFIERS, the
    ones no output may keep; `types=None` lists all types, dates and cities included). Check
    survival with word boundaries: a short first name can be part of an ordinary word.

    `french` is the share of records written in French (texts from the French corpus
    templates); when it is above 0 every record also carries "language" ("en" or "fr"). At 0,
    the default, the records are English and the same as they have always been for a seed.
    """
    fake = _Fake(seed)
    rng = fake.rng
    writer = _Writer(fake) if french > 0 else None
    records: list[dict] = []
    values: dict[str, None] = {}

    def keep(built: _Text) -> str:
        text = built.text
        for span in built.spans:
            if types is None or span["type"] in types:
                values.setdefault(text[span["start"] : span["end"]])
        return text

    def fill(template: str, style: str = "ticket") -> str:
        built = _Text()
        fake.render(template, style, built)
        return keep(built)

    def fill_fr(template: str) -> str:
        built = _Text()
        writer.render(template, _Context("fr", "ticket", None), built)
        return keep(built)

    def french_ticket(record_id: str) -> dict:
        style = rng.choice(STYLES)
        labelled = writer.record(record_id, "fr", style, None)
        built = _Text()
        built.add(labelled["text"])
        built.spans = labelled["spans"]
        body = keep(built)
        channel = {"chat": "chat", "email": "email"}.get(style) or rng.choice(("email", "chat", "phone"))
        first, last = writer.fr.first_name(), writer.fr.last_name()
        name = f"{first} {last}"
        email = f"{_ascii_fold(first)}.{_ascii_fold(last)}@{writer.fr.free_email_domain()}"
        if types is None or "PERSON" in types:
            values.setdefault(name)
        if types is None or "EMAIL_ADDRESS" in types:
            values.setdefault(email)
        notes = [fill_fr(rng.choice(_FR_NOTES)) for _ in range(rng.randint(0, 2))]
        created = start + timedelta(seconds=rng.randrange(365 * 86_400))
        return {
            "id": record_id,
            "subject": fill_fr(rng.choice(_FR_SUBJECTS)),
            "body": body,
            "customer": {"name": name, "email": email, "notes": notes},
            "created_at": created.isoformat(timespec="seconds"),
            "priority": rng.choice(("low", "normal", "normal", "high")),
            "channel": channel,
            "language": "fr",
        }

    start = datetime(2024, 1, 1, tzinfo=UTC)
    for index in range(n):
        if writer is not None and rng.random() < french:
            records.append(french_ticket(f"T-{index + 1:06d}"))
            continue
        style = rng.choice(_RECORD_STYLES)
        body = keep(fake.text(style))
        channel = {"chat": "chat", "email": "email"}.get(style) or rng.choice(("email", "chat", "phone"))
        person = fake._person_locale()
        first, last = person.first_name(), person.last_name()
        name = f"{first} {last}"
        email = f"{_ascii_name(first)}.{_ascii_name(last)}@{person.free_email_domain()}"
        if types is None or "PERSON" in types:
            values.setdefault(name)
        if types is None or "EMAIL_ADDRESS" in types:
            values.setdefault(email)
        notes = [fill(rng.choice(_NOTES)) for _ in range(rng.randint(0, 2))]
        created = start + timedelta(seconds=rng.randrange(365 * 86_400))
        record = {
            "id": f"T-{index + 1:06d}",
            "subject": fill(rng.choice(_SUBJECTS)),
            "body": body,
            "customer": {"name": name, "email": email, "notes": notes},
            "created_at": created.isoformat(timespec="seconds"),
            "priority": rng.choice(("low", "normal", "normal", "high")),
            "channel": channel,
        }
        if writer is not None:
            record["language"] = "en"
        records.append(record)
    return records, list(values)


# The three lines write_samples appends to tickets.jsonl, each to be quarantined for its reason.
BAD_LINES = (
    b'{"id": "T-BAD-001", "subject": "unterminated\n',  # malformed JSON
    b'{"subject": "no id here", "body": "This record has no id field."}\n',  # missing id
    b'{"id": "T-BAD-003", "body": "caf\xe9 \xff\xfe not UTF-8"}\n',  # undecodable bytes
)


def write_samples(folder: Path, n: int = 200, seed: int = 7) -> list[Path]:
    """Write `tickets.jsonl` (n records, then BAD_LINES) and `tickets.csv` (50 more records).

    The CSV records are generated after the JSONL ones from the same seed, so ids and values
    do not repeat between the two files. Returns [jsonl_path, csv_path].
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    records, _ = generate_records(n + 50, seed)
    jsonl_path = folder / "tickets.jsonl"
    with jsonl_path.open("wb") as out:
        for record in records[:n]:
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        for line in BAD_LINES:
            out.write(line)
    csv_path = folder / "tickets.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("id", "subject", "body", "customer_name", "customer_email", "priority"))
        for record in records[n:]:
            writer.writerow(
                (
                    record["id"],
                    record["subject"],
                    record["body"],
                    record["customer"]["name"],
                    record["customer"]["email"],
                    record["priority"],
                )
            )
    return [jsonl_path, csv_path]
