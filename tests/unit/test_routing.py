"""Routing: policy section `routing`, rules in order, every record in exactly one queue."""

from __future__ import annotations

import copy

import pytest
import yaml

from redaction.anonymize import Redaction
from redaction.errors import PolicyError
from redaction.policy import load_policy, policy_from_dict
from redaction.queues import SQLiteQueueStore, enqueue_rows
from redaction.routing import DEFAULT_RULE, FILTERED, Router, RoutingPolicy, sample_fraction
from tests.data.queue_data import redact_generated
from tests.unit.helpers import BASE

ROUTING = {
    "default_queue": "annotation",
    "queues": {
        "annotation": {},
        "french": {"overlap": 2},
        "review": {"hold": True, "release_to": "annotation"},
    },
    "rules": [
        {"name": "uncertain", "match": {"review_below": {"PERSON": 0.6}}, "queue": "review"},
        {
            "name": "drop-phone",
            "match": {"entities": ["PHONE_NUMBER"], "fields": {"channel": "phone"}},
            "queue": "filter",
        },
        {"name": "fr", "match": {"fields": {"_language": ["fr"]}}, "queue": "french"},
        {"name": "vendor", "match": {"source": "*/vendor/*.jsonl"}, "queue": "french"},
    ],
}


def policy_with(routing) -> dict:
    data = copy.deepcopy(BASE)
    data["routing"] = routing
    return data


def problems(data) -> tuple[str, ...]:
    with pytest.raises(PolicyError) as info:
        policy_from_dict(data, "p.yaml")
    return info.value.problems


def r(entity: str, score: float, action: str = "replace") -> tuple[str, Redaction]:
    return ("body", Redaction(0, 4, entity, score, action))


def test_default_policy_routes_to_annotation_and_holds_privacy_review(repo):
    routing = load_policy(repo / "policies" / "default.yaml").routing
    assert routing.default_queue == "annotation"
    assert routing.queues["privacy-review"].hold
    assert routing.queues["privacy-review"].release_to == "annotation"
    assert routing.rules[0].queue == "privacy-review"


def test_a_policy_without_routing_sends_everything_to_annotation():
    policy = policy_from_dict(copy.deepcopy(BASE), "p.yaml")
    decision = Router(policy.routing, policy).route({"id": "1"}, [r("PERSON", 0.41)], "x.jsonl")
    assert (decision.queue, decision.rule) == ("annotation", DEFAULT_RULE)


def test_rules_apply_in_order_and_the_first_match_decides():
    policy = policy_from_dict(policy_with(ROUTING), "p.yaml")
    router = Router(policy.routing, policy)
    fr_row = {"id": "1", "_language": "fr", "channel": "phone"}
    assert router.route(fr_row, [r("PERSON", 0.5)], "a.jsonl").rule == "uncertain"
    assert router.route(fr_row, [r("PHONE_NUMBER", 0.9)], "a.jsonl").queue is None
    assert router.route(fr_row, [r("PERSON", 0.9)], "a.jsonl").queue == "french"
    assert router.route({"id": "2", "_language": "en"}, [], "/data/vendor/x.jsonl").rule == "vendor"
    assert router.route({"id": "3", "_language": "en"}, [], "/data/own/x.jsonl").queue == "annotation"
    assert router.counts == {"review": 1, FILTERED: 1, "french": 2, "annotation": 1}
    assert sum(router.counts.values()) == 5  # every record counted once


def test_review_band_runs_from_the_threshold_up_to_review_below():
    policy = policy_from_dict(policy_with(ROUTING), "p.yaml")  # PERSON threshold 0.4
    router = Router(policy.routing, policy)

    def queue(*found):
        return router.route({"id": "1"}, list(found), "a.jsonl").queue

    assert queue(r("PERSON", 0.4)) == "review"  # at the threshold: in
    assert queue(r("PERSON", 0.59)) == "review"
    assert queue(r("PERSON", 0.6)) == "annotation"  # review_below itself: out
    assert queue(r("EMAIL_ADDRESS", 0.45)) == "annotation"  # no band for this entity
    assert queue(r("PERSON", 0.9), r("PERSON", 0.45)) == "review"  # any one redaction
    assert queue(r("PERSON", 0.45, action="keep")) == "annotation"  # kept: not a redaction


def test_one_review_below_for_every_entity():
    routing = copy.deepcopy(ROUTING)
    routing["rules"] = [{"name": "uncertain", "match": {"review_below": 0.5}, "queue": "review"}]
    policy = policy_from_dict(policy_with(routing), "p.yaml")
    router = Router(policy.routing, policy)
    assert router.route({"id": "1"}, [r("EMAIL_ADDRESS", 0.45)], "a").queue == "review"
    assert router.route({"id": "1"}, [r("PHONE_NUMBER", 0.3)], "a").queue == "review"
    assert router.route({"id": "1"}, [r("PHONE_NUMBER", 0.5)], "a").queue == "annotation"


def test_sampling_is_decided_by_record_id_and_rule_name():
    routing = copy.deepcopy(ROUTING)
    routing["rules"] = [{"name": "ten-percent", "match": {"sample": 0.1}, "queue": "french"}]
    policy = policy_from_dict(policy_with(routing), "p.yaml")
    ids = [f"T-{i:06d}" for i in range(4000)]
    first = [Router(policy.routing, policy).route({"id": i}, [], "a").queue for i in ids]
    again = [Router(policy.routing, policy).route({"id": i}, [], "a").queue for i in ids]
    assert first == again
    share = first.count("french") / len(ids)
    assert 0.085 < share < 0.115
    assert [q == "french" for q in first] == [sample_fraction("ten-percent", i) < 0.1 for i in ids]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda g: g.update(default_queue="nope"), "routing: default_queue 'nope' is not a declared queue"),
        (
            lambda g: g["rules"][0].update(queue="elsewhere"),
            "'uncertain' sends to 'elsewhere', not a declared queue",
        ),
        (
            lambda g: g["queues"]["review"].update(release_to="review"),
            "must release to a queue that does not hold",
        ),
        (lambda g: g["queues"]["annotation"].update(order="uncertainty"), "needs a pre-labeller"),
        (lambda g: g["queues"].update(filter={}), "'filter' is reserved"),
        (lambda g: g["queues"]["annotation"].update(overlap=0), "greater than or equal to 1"),
        (lambda g: g["rules"][1]["match"].update(sample=1.5), "less than or equal to 1"),
    ],
)
def test_invalid_routing_is_named_by_key_path(change, expected):
    routing = copy.deepcopy(ROUTING)
    change(routing)
    found = problems(policy_with(routing))
    assert any(expected in p for p in found), found
    assert all(p.startswith("p.yaml: routing") for p in found), found


def test_unknown_key_in_a_rule_lists_the_allowed_ones():
    routing = copy.deepcopy(ROUTING)
    routing["rules"][0]["match"]["score_below"] = 0.5
    (problem,) = problems(policy_with(routing))
    assert problem == (
        "p.yaml: routing.rules[0].match.score_below: unknown key (did you mean 'review_below'?) "
        "(allowed: entities, fields, has_field, review_below, sample, source)"
    )


def test_review_band_must_fit_the_entity_rules():
    routing = copy.deepcopy(ROUTING)
    routing["rules"][0]["match"]["review_below"] = {"PERSON": 0.3, "IBAN_CODE": 0.9}
    (problem,) = problems(policy_with(routing))
    assert problem.startswith("p.yaml: routing: ")
    assert "rules[0] 'uncertain': IBAN_CODE has no rule in entities" in problem
    assert "review_below for PERSON (0.3) must be above its threshold (0.4)" in problem


def test_routing_model_alone_defaults_to_one_annotation_queue():
    routing = RoutingPolicy()
    assert list(routing.queues) == ["annotation"] and routing.rules == ()


@pytest.fixture(scope="module")
def routed(tmp_path_factory):
    """Generated tickets redacted by the real pipeline stage with the default policy, routed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRUBLINE_HOME", str(tmp_path_factory.mktemp("home")))
        policy = load_policy("policies/default.yaml")
        source, batches, router = redact_generated(policy, tmp_path_factory.mktemp("routed"), n=40, seed=5)
        yield policy, source, batches, router


def test_real_detections_route_each_record_once_and_uncertain_ones_are_held(routed, tmp_path):
    policy, source, batches, router = routed
    thresholds = {e: rule.threshold for e, rule in policy.entities.items()}
    band = policy.routing.rules[0].match.review_below
    rows = [row for _, batch_rows, _ in batches for row in batch_rows]
    assert sum(router.counts.values()) == len(rows) == 40
    held = 0
    for _, batch_rows, done in batches:
        for row, record in zip(batch_rows, done, strict=True):
            uncertain = any(
                r.entity_type in band and thresholds[r.entity_type] <= r.score < band[r.entity_type]
                for _, r in record.redactions
            )
            assert row["_queue"] == ("privacy-review" if uncertain else "annotation")
            held += uncertain
    assert held > 0, "the generated tickets should hold some uncertain detections"
    assert router.counts["privacy-review"] == held

    store = SQLiteQueueStore(tmp_path / "q.sqlite3")
    for key, batch_rows, _ in batches:
        enqueue_rows(
            store, batch_rows, id_field="id", source_id=source.source_id, batch_key=key, policy=policy
        )
    stats = store.stats()
    assert stats["privacy-review"].held == held
    assert stats["annotation"].pending == 40 - held
    pulled = store.pull("annotation", "alice", 100)
    assert len(pulled) == 40 - held  # held items are not served
    assert store.release("privacy-review", [store.held("privacy-review", 1)[0].item_id]) == 1
    assert len(store.pull("annotation", "alice", 100)) == 1


def test_routing_section_round_trips_through_yaml(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(policy_with(ROUTING)))
    policy = load_policy(path)
    assert policy.routing.queues["french"].overlap == 2
    assert policy.routing.rules[1].match.entities == ("PHONE_NUMBER",)
