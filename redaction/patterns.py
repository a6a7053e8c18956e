"""Checks on the regular expressions a policy declares, made when the policy loads.

Declared patterns run in the `regex` module (as Presidio runs them), so they must compile
there. A pattern that backtracks catastrophically (`(a|aa)+$`: time doubling with each
character of a string it almost matches) would stall every record it meets, so the policy is
refused when one is found:

* statically, by walking Python's parse of the pattern for a variable repetition inside another
  (`(\\w+\\s?)+`) or a repeated alternation whose branches can match the same text (`(a|aa)+`):
  the places backtracking can explode;
* dynamically, by matching the pattern, with a short timeout, against probes built from its
  own parts: each repeated part's example (and each literal character) pumped many times,
  after the pattern's leading literal text, then a character that breaks the match
  (`aaaa...a!`). The `regex` module defuses many textbook cases, so only a probe that times out
  rejects the pattern; a static finding alone does not (it is named with the probe's result).

A pattern that passes can still be slow on some text: a run bounds it by the record's time
limit (`limits.record_seconds`, see `redaction.limits`).
"""

from __future__ import annotations

import re
import time

import regex

# The flags Presidio's PatternRecognizer compiles declared patterns with.
FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE

PUMPS = 48  # repetitions of a pump: 1.6^48 steps for (a|aa)+, microseconds for a linear pattern
PROBE_SECONDS = 0.05  # per probe (the regex module overshoots it several times on a busy machine)
TOTAL_SECONDS = 2.0  # per pattern, all probes together
_TAILS = ("!", "\n", "\x00", "a", "1", " ", "-")
_REPRESENTATIVES = "a1 -.@_"

try:  # the parser moved in 3.11; it is the one reliable reading of a pattern's structure
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_CATEGORY_CHAR = {
    _c.CATEGORY_DIGIT: "1",
    _c.CATEGORY_NOT_DIGIT: "a",
    _c.CATEGORY_SPACE: " ",
    _c.CATEGORY_NOT_SPACE: "a",
    _c.CATEGORY_WORD: "a",
    _c.CATEGORY_NOT_WORD: "!",
}


def compile_problem(pattern: str) -> str | None:
    """Why the pattern does not compile in the `regex` module (None when it does)."""
    try:
        regex.compile(pattern, FLAGS)
    except regex.error as exc:
        return f"regex does not compile: {exc}"
    return None


def backtracking_problem(pattern: str) -> str | None:
    """A one-line description of catastrophic backtracking in `pattern`, or None."""
    compiled = regex.compile(pattern, FLAGS)
    try:
        tree = _sre_parse.parse(pattern, re.DOTALL | re.MULTILINE | re.IGNORECASE)
    except (re.error, OverflowError, RecursionError):  # regex-only syntax: probe with literals only
        tree = None
    risky = _risky_repeats(tree) if tree is not None else []
    found = _probe(compiled, _probes(pattern, tree))
    if found is None:
        return None
    where = f" ({risky[0]})" if risky else ""
    return (
        f"pattern backtracks catastrophically{where}: no answer within {PROBE_SECONDS:g} s on the "
        f"{len(found)}-character probe {_show(found)}; rewrite it so no text can be matched in more than "
        "one way by a repetition (e.g. (?:a|aa)+ -> a+, (\\w+\\s?)+ -> [\\w\\s]+), or make the "
        "repetition possessive (++, *+) or atomic ((?>...))"
    )


def _show(probe: str) -> str:
    text = probe if len(probe) <= 24 else probe[:10] + "..." + probe[-6:]
    return repr(text)


def _probe(compiled, probes: list[str]) -> str | None:
    deadline = time.monotonic() + TOTAL_SECONDS
    for probe in probes:
        if time.monotonic() > deadline:
            return None  # every probe so far answered in time; the run bounds the rest
        try:
            compiled.search(probe, timeout=PROBE_SECONDS)
        except TimeoutError:
            return probe
    return None


# --- the pattern's structure -------------------------------------------------------------------


def _variable(op, av) -> bool:
    """A repetition that can match more than one number of times (so backtracking can retry)."""
    if op not in _REPEATS:
        return False
    low, high = av[0], av[1]
    return high != low and (high == _c.MAXREPEAT or high > 1)


def _risky_repeats(tree) -> list[str]:
    """Nested variable repetitions and repeated overlapping alternations, described."""
    found: list[str] = []

    def walk(items, inside: bool) -> None:
        for op, av in items:
            if op in _REPEATS:
                variable = _variable(op, av)
                if variable and inside:
                    found.append("a variable repetition nested inside another")
                if variable and _overlapping_branches(av[2]):
                    found.append("a repeated alternation whose branches can match the same text")
                walk(av[2], inside or variable)
            elif op is _c.SUBPATTERN:
                walk(av[3], inside)
            elif op is _c.BRANCH:
                for branch in av[1]:
                    walk(branch, inside)
            elif op in (_c.ASSERT, _c.ASSERT_NOT):
                walk(av[1], inside)
            # ATOMIC_GROUP and POSSESSIVE_REPEAT never backtrack into themselves: not walked.

    walk(tree, False)
    return found


def _overlapping_branches(items) -> bool:
    """Whether an alternation among the items has two branches one of whose examples starts the
    other's (the parser factors `a|aa` into `a(?:|a)`: an empty branch counts)."""
    for op, av in items:
        if op is _c.SUBPATTERN and _overlapping_branches(av[3]):
            return True
        if op is _c.BRANCH:
            examples = [_example(branch) for branch in av[1]]
            for i, a in enumerate(examples):
                for b in examples[i + 1 :]:
                    if a.startswith(b) or b.startswith(a):
                        return True
    return False


def _example(items) -> str:
    """A short string the items match (the first choice everywhere); best effort."""
    out: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            out.append(chr(av))
        elif op is _c.NOT_LITERAL:
            out.append("a" if av != ord("a") else "b")
        elif op is _c.ANY:
            out.append("a")
        elif op is _c.IN:
            out.append(_class_char(av))
        elif op in _REPEATS:
            out.append(_example(av[2]) * max(av[0], 1))
        elif op is _c.SUBPATTERN:
            out.append(_example(av[3]))
        elif op is _c.BRANCH:
            out.append(_example(av[1][0]))
        elif op is _c.ATOMIC_GROUP:
            out.append(_example(av))
        elif op is _c.POSSESSIVE_REPEAT:
            out.append(_example(av[2]) * max(av[0], 1))
    return "".join(out)


def _class_char(items) -> str:
    negate = any(op is _c.NEGATE for op, _ in items)
    if negate:
        return "a" if not any(op is _c.LITERAL and av == ord("a") for op, av in items) else "!"
    for op, av in items:
        if op is _c.LITERAL:
            return chr(av)
        if op is _c.RANGE:
            return chr(av[0])
        if op is _c.CATEGORY:
            return _CATEGORY_CHAR.get(av, "a")
    return "a"


def _pumps(tree) -> list[str]:
    """Examples of every repeated part, and of each branch of a repeated alternation."""
    pumps: list[str] = []

    def walk(items) -> None:
        for op, av in items:
            if op in _REPEATS or op is _c.POSSESSIVE_REPEAT:
                pumps.append(_example(av[2]))
                for sub_op, sub_av in av[2]:
                    body = sub_av[3] if sub_op is _c.SUBPATTERN else None
                    for inner_op, inner_av in body or ():
                        if inner_op is _c.BRANCH:
                            pumps.extend(_example(branch) for branch in inner_av[1])
                walk(av[2])
            elif op is _c.SUBPATTERN:
                walk(av[3])
            elif op is _c.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op in (_c.ASSERT, _c.ASSERT_NOT):
                walk(av[1])

    walk(tree)
    return pumps


def _probes(pattern: str, tree) -> list[str]:
    """Each pump repeated PUMPS times then a breaking character, alone and after an example of
    what precedes it in the pattern (`ID-(a|aa)+$` is probed with `ID-aaaa...a!`)."""
    pairs: list[tuple[str, str]] = []
    if tree is not None:
        items = list(tree)
        for i, item in enumerate(items):
            prefix = _example(items[:i])
            pairs += [(prefix, pump) for pump in _pumps([item])]
    literals = [ch for ch in dict.fromkeys(pattern) if ch.isalnum() or ch in " -_.@,:/#"]
    pairs += [("", ch) for ch in literals + list(_REPRESENTATIVES)]
    probes: list[str] = []
    for prefix, pump in dict.fromkeys(pairs):
        if not pump:
            continue
        # each repetition is one more choice to backtrack over, whatever the pump's length
        body = pump * (PUMPS if len(pump) <= 4 else max(8, 4 * PUMPS // len(pump)))
        for tail in _TAILS:
            if tail in pump:
                continue
            if prefix:
                probes.append(prefix + body + tail)
            probes.append(body + tail)
    return list(dict.fromkeys(probes))
