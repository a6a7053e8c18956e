"""Agreement figures against small cases computed by hand (the computation is in each test)."""

from __future__ import annotations

import pytest

from redaction.queues import Annotation, GoldItem, Span, SQLiteQueueStore
from redaction.queues.agreement import (
    agreement,
    cohen_kappa,
    fleiss,
    krippendorff_alpha,
    plot_agreement,
    queue_agreement,
    token_labels,
    tokens,
)
from redaction.routing import QueueSettings

# Ten one-letter tokens at offsets 0, 2, 4, ..., 18.
TEN = "a b c d e f g h i j"


def at(token: int, last: int | None = None, label: str = "PERSON") -> Span:
    """A span over tokens token..last of TEN."""
    last = token if last is None else last
    return Span(2 * token, 2 * last + 1, label)


def test_tokens_leave_placeholders_out():
    text = "Call <PERSON_3> at 10:30, ok?"
    placeholder = Span(5, 15, "REDACTED:PERSON")
    assert [text[s:e] for s, e in tokens(text, [placeholder])] == [
        "Call",
        "at",
        "10",
        ":",
        "30",
        ",",
        "ok",
        "?",
    ]


def test_a_span_labels_every_token_it_touches():
    units = tokens("New York City is big")
    assert token_labels(units, [Span(0, 6, "LOCATION")]) == ["LOCATION", "LOCATION", "O", "O", "O"]


def two_annotators():
    # A: tokens 0-1 PERSON, token 5 LOCATION.  B: token 0 PERSON, tokens 5 and 8 LOCATION.
    a = [at(0, 1), at(5, label="LOCATION")]
    b = [at(0), at(5, label="LOCATION"), at(8, label="LOCATION")]
    return a, b


def test_cohen_kappa_matches_the_hand_computation():
    a, b = two_annotators()
    units = tokens(TEN)
    left, right = token_labels(units, a), token_labels(units, b)
    assert left == ["PERSON", "PERSON", "O", "O", "O", "LOCATION", "O", "O", "O", "O"]
    assert right == ["PERSON", "O", "O", "O", "O", "LOCATION", "O", "O", "LOCATION", "O"]
    # Observed: they agree on 8 of 10 tokens (all but 1 and 8): po = 0.8.
    # Chance: A uses P 2, L 1, O 7 times; B uses P 1, L 2, O 7 times.
    #   pe = (2*1 + 1*2 + 7*7) / 10^2 = 53/100 = 0.53
    # kappa = (po - pe) / (1 - pe) = 0.27 / 0.47 = 0.574468...
    assert cohen_kappa(left, right) == pytest.approx(0.27 / 0.47)


def test_krippendorff_alpha_matches_the_hand_computation():
    a, b = two_annotators()
    units = tokens(TEN)
    left, right = token_labels(units, a), token_labels(units, b)
    # Nominal alpha, two coders, no missing values: each unit adds both ordered pairs.
    # Coincidences: o(P,P)=2 (unit 0), o(P,O)=o(O,P)=1 (unit 1), o(L,L)=2 (unit 5),
    #   o(L,O)=o(O,L)=1 (unit 8), o(O,O)=2*6=12 (units 2,3,4,6,7,9).
    # Totals: n_P = 3, n_L = 3, n_O = 14, n = 20.
    # Do = (off-diagonal coincidences) / n = 4 / 20 = 0.2
    # De = sum over c != k of n_c*n_k / (n (n-1)) = (2*3*14 + 2*3*3 + 2*14*3) / 380 = 186/380
    # alpha = 1 - Do/De = 1 - 0.2 * 380/186 = 1 - 76/186 = 0.591398...
    assert krippendorff_alpha([left, right]) == pytest.approx(1 - 76 / 186)


def test_fleiss_kappa_matches_the_hand_computation():
    # Three raters, four tokens, counts (PERSON, O) per token: (3,0), (2,1), (0,3), (1,2).
    units = [
        ["PERSON", "PERSON", "PERSON"],
        ["PERSON", "O", "PERSON"],
        ["O", "O", "O"],
        ["O", "O", "PERSON"],
    ]
    # P_i = (sum_j n_ij^2 - 3) / (3*2): 1, 1/3, 1, 1/3 -> mean 2/3.
    # p_PERSON = 6/12 = 0.5, p_O = 0.5 -> Pe = 0.5.  kappa = (2/3 - 0.5) / (1 - 0.5) = 1/3.
    assert fleiss(units) == pytest.approx(1 / 3)
    assert fleiss([["O", "O"], ["O", "O"]]) is None  # one label only: undefined
    assert fleiss([["O", "O"], ["O", "PERSON", "O"]]) is None  # unequal raters


def test_undefined_kappa_is_none():
    assert cohen_kappa(["O", "O"], ["O", "O"]) is None
    assert cohen_kappa([], []) is None


def test_queue_report_combines_pairs_alpha_fleiss_and_gold():
    a, b = two_annotators()
    c = [at(0, 1), at(5, label="LOCATION")]  # the same as A
    # Gold item "x y z w" (tokens at 0, 2, 4, 6): answer PERSON on "x y".
    gold_text = "x y z w"
    gold = {"gold1": (Span(0, 3, "PERSON"),)}
    notes = [
        Annotation("item1", "A", tuple(a)),
        Annotation("item1", "B", tuple(b)),
        Annotation("item1", "C", tuple(c)),
        # A finds the gold span exactly; B labels only "x" (tokens: x right, y wrong).
        Annotation("gold1", "A", (Span(0, 3, "PERSON"),)),
        Annotation("gold1", "B", (Span(0, 1, "PERSON"),)),
    ]
    report = agreement("q", notes, {"item1": TEN, "gold1": gold_text}, {}, gold)
    assert (report.items, report.units, report.annotators) == (1, 10, ["A", "B", "C"])
    kappas = {(p.a, p.b): p.kappa for p in report.pairs}
    assert kappas[("A", "C")] == pytest.approx(1.0)
    assert kappas[("A", "B")] == pytest.approx(0.27 / 0.47)
    assert kappas[("B", "C")] == pytest.approx(0.27 / 0.47)
    assert report.mean_kappa("A") == pytest.approx((1 + 0.27 / 0.47) / 2)
    # Fleiss over the 10 tokens, three raters (A and C agree everywhere, B differs at 1 and 8):
    #   tokens 1 and 8 have counts (2,1) -> P_i = (4+1-3)/6 = 1/3; the other 8 -> P_i = 1.
    #   P = (8 + 2/3) / 10 = 13/15.  Label shares: P 5/30, L 4/30, O 21/30.
    #   Pe = (25 + 16 + 441) / 900 = 482/900.  kappa = (13/15 - 482/900) / (1 - 482/900)
    assert report.fleiss_kappa == pytest.approx((13 / 15 - 482 / 900) / (1 - 482 / 900))
    assert (report.fleiss_items, report.fleiss_raters) == (1, 3)
    gold_scores = {g.annotator: g for g in report.gold}
    # A: 4/4 tokens right, 1 of 1 span matched.  B: x right, y wrong (O), z, w right: 3/4;
    # B's one span (0,1) does not match the gold span (0,3): precision 0, recall 0, F1 0.
    assert gold_scores["A"].token_accuracy == 1.0 and gold_scores["A"].f1 == 1.0
    assert gold_scores["B"].token_accuracy == 0.75
    assert (gold_scores["B"].precision, gold_scores["B"].recall, gold_scores["B"].f1) == (0.0, 0.0, 0.0)
    assert "C" not in gold_scores
    data = report.to_dict()
    assert data["unit"] == "token" and data["annotators"]["B"]["gold_token_accuracy"] == 0.75
    assert "Krippendorff's alpha" in report.format_text()


def test_missing_judgements_stay_missing_in_alpha():
    # Item 2 done by A and B only; C's judgements there are missing, not "O".
    a, b = two_annotators()
    notes = [
        Annotation("item1", "A", tuple(a)),
        Annotation("item1", "C", tuple(a)),
        Annotation("item2", "A", tuple(a)),
        Annotation("item2", "B", tuple(b)),
    ]
    report = agreement("q", notes, {"item1": TEN, "item2": TEN}, {})
    left = token_labels(tokens(TEN), a)
    right = token_labels(tokens(TEN), b)
    expected = krippendorff_alpha([left + left, [None] * 10 + right, left + [None] * 10])
    assert report.krippendorff_alpha == pytest.approx(expected)
    assert report.fleiss_items == 2 and report.fleiss_raters == 2


def test_agreement_from_the_store_and_the_plot(tmp_path):
    store = SQLiteQueueStore(tmp_path / "q.sqlite3")
    store.configure({"annotation": QueueSettings(overlap=2, gold_rate=0.5)})
    from redaction.queues import NewItem

    store.enqueue([NewItem(f"item{i}", "annotation", TEN, {}, f"r{i}") for i in range(2)])
    store.add_gold("annotation", [GoldItem("x y z w", (Span(0, 3, "PERSON"),))])
    a, b = two_annotators()
    for name, spans in (("A", a), ("B", b)):
        pulled = store.pull("annotation", name, 4)
        assert len(pulled) == 3  # two items and the gold one
        store.save_annotations(
            Annotation(item.item_id, name, tuple(spans if not item.gold else [Span(0, 3, "PERSON")]))
            for item in pulled
        )
    report = queue_agreement(store, "annotation")
    assert report.items == 2
    assert report.pairs[0].kappa == pytest.approx(0.27 / 0.47)  # the same disagreement twice
    assert [g.token_accuracy for g in report.gold] == [1.0, 1.0]
    png = plot_agreement(report, tmp_path / "agreement.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = plot_agreement(report, tmp_path / "agreement.html")
    assert "<svg" in html.read_text()
