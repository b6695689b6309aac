"""Property tests of the draw (portal/inspections/draw.py) with hypothesis: the rules hold for
any snapshot and plan, the same inputs give the same bytes, a second implementation written
from the docstring agrees, a chi-square test finds no bias, and verification matches."""

import datetime
import hashlib
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.inspections import draw
from tests.inspections.reference_draw import reference_run

ON = datetime.date(2026, 3, 1)
ITEMS = {"employer": ["GJ-01", "44-01"], "agency": ["GJ-02"]}
ALL_ITEMS = sorted({code for codes in ITEMS.values() for code in codes})


def _uscc(n: int) -> str:
    return f"91440300MA{n:08d}"


def _parameters(strata: dict[str, int], **overrides) -> dict:
    """A parameters document (draw.py, section 1) of plan 1 in Guangdong with these strata."""
    parameters = {
        "algorithm": draw.ALGORITHM_VERSION,
        "exclusion_months": 0,
        "inspectors_per_inspection": 2,
        "items": ITEMS,
        "minimum_ratio_bp": 500,
        "on": ON.isoformat(),
        "plan": 1,
        "province": "440000",
        "strata": strata,
    }
    parameters.update(overrides)
    return parameters


@st.composite
def draws(draw_, max_subjects=120):
    """(snapshot bytes, parameters bytes, seed) of a random but staffable draw."""
    subject_count = draw_(st.integers(0, max_subjects))
    inspector_count = draw_(st.integers(6, 14))
    codes = [f"I{n:04X}" for n in range(inspector_count)]
    team = draw_(st.integers(2, 3))
    subjects = []
    for n in range(subject_count):
        last = draw_(st.one_of(st.none(), st.dates(ON - datetime.timedelta(days=900), ON)))
        previous = draw_(st.lists(st.sampled_from(codes), max_size=2, unique=True))
        subjects.append(
            (
                _uscc(n),
                draw_(st.sampled_from(["employer", "employer", "agency"])),
                draw_(st.sampled_from("ABCD")),
                last,
                previous,
            )
        )
    inspectors = []
    for code in codes:
        # Most are qualified for everything; some for one kind only.
        items = draw_(st.sampled_from([ALL_ITEMS, ALL_ITEMS, ITEMS["employer"], ITEMS["agency"]]))
        conflicts = draw_(
            st.lists(st.integers(0, max(subject_count - 1, 0)), max_size=2, unique=True)
        )
        inspectors.append((code, items, [_uscc(n) for n in conflicts] if subject_count else []))
    parameters = _parameters(
        {risk: draw_(st.integers(0, 10000)) for risk in "ABCD"},
        exclusion_months=draw_(st.integers(0, 24)),
        inspectors_per_inspection=team,
    )
    seed = draw_(st.binary(min_size=32, max_size=32))
    return (
        draw.snapshot_build(subjects, inspectors),
        draw.canonical_json(parameters),
        seed,
    )


def _staffable(snapshot: dict, parameters: dict) -> bool:
    """Every subject has enough eligible inspectors (otherwise the draw rightly fails)."""
    for uscc, kind, _risk, _last, previous in snapshot["subjects"]:
        eligible = [
            code
            for code, items, conflicts in snapshot["inspectors"]
            if set(parameters["items"][kind]) <= set(items)
            and uscc not in conflicts
            and code not in previous
        ]
        if len(eligible) < parameters["inspectors_per_inspection"]:
            return False
    return True


def _run(snapshot_bytes, parameters_bytes, seed) -> dict:
    return draw.run(
        snapshot_bytes=snapshot_bytes,
        parameters_bytes=parameters_bytes,
        seed=seed,
        algorithm=draw.ALGORITHM_VERSION,
    )


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(draws())
def test_the_rules_hold_for_any_plan(inputs):
    snapshot_bytes, parameters_bytes, seed = inputs
    snapshot, parameters = json.loads(snapshot_bytes), json.loads(parameters_bytes)
    try:
        result = _run(snapshot_bytes, parameters_bytes, seed)
    except draw.DrawError as error:
        # Only for want of eligible inspectors, and only where some subject lacks them.
        assert "too few eligible inspectors" in str(error)
        assert not _staffable(snapshot, parameters)
        return

    # Candidates as the rule defines them, counted here independently.
    cutoff = draw.months_before(ON, parameters["exclusion_months"])
    candidates = {
        uscc: risk
        for uscc, kind, risk, last, _ in snapshot["subjects"]
        if not (parameters["exclusion_months"] and last and last > cutoff.isoformat())
    }
    selected = [row[0] for row in result["inspections"]]
    # Never below 5% of the candidates, rounded up; each subject once; only candidates.
    assert len(selected) >= math.ceil(len(candidates) * 5 / 100)
    assert len(selected) == len(set(selected))
    assert set(selected) <= set(candidates)
    for risk, (available, chosen) in result["counts"].items():
        wanted = math.ceil(available * parameters["strata"][risk] / 10000)
        assert min(wanted, available) <= chosen <= available
        assert available == sum(1 for r in candidates.values() if r == risk)

    inspectors = {code: (items, conflicts) for code, items, conflicts in snapshot["inspectors"]}
    previous = {row[0]: row[4] for row in snapshot["subjects"]}
    kinds = {row[0]: row[1] for row in snapshot["subjects"]}
    for uscc, risk, items, team in result["inspections"]:
        # One joint inspection with every item of the subject's kind.
        assert items == sorted(ITEMS[kinds[uscc]])
        assert risk == candidates[uscc]
        assert len(team) == parameters["inspectors_per_inspection"] >= 2
        assert len(set(team)) == len(team)
        for code in team:
            their_items, conflicts = inspectors[code]
            assert uscc not in conflicts, "assigned despite a declared conflict"
            assert code not in previous[uscc], "assigned to the subject inspected last time"
            assert set(items) <= set(their_items), "not qualified for the items"


@PROPERTY_SETTINGS
@given(draws())
def test_same_inputs_same_draw_and_the_docstring_is_enough(inputs):
    snapshot_bytes, parameters_bytes, seed = inputs
    snapshot, parameters = json.loads(snapshot_bytes), json.loads(parameters_bytes)
    if not _staffable(snapshot, parameters):
        return
    first = draw.result_bytes(_run(snapshot_bytes, parameters_bytes, seed))
    assert draw.result_bytes(_run(snapshot_bytes, parameters_bytes, seed)) == first
    assert reference_run(snapshot_bytes, parameters_bytes, seed) == first


@settings(max_examples=40, deadline=None)
@given(draws(max_subjects=60))
def test_verification_matches_a_published_draw_and_catches_tampering(inputs):
    snapshot_bytes, parameters_bytes, seed = inputs
    snapshot, parameters = json.loads(snapshot_bytes), json.loads(parameters_bytes)
    if not _staffable(snapshot, parameters):
        return
    result = draw.result_bytes(_run(snapshot_bytes, parameters_bytes, seed))
    commitment = draw.canonical_json(
        {
            "algorithm": draw.ALGORITHM_VERSION,
            "parameters_sha256": draw.sha256_hex(parameters_bytes),
            "seed_sha256": draw.sha256_hex(seed),
            "snapshot_sha256": draw.sha256_hex(snapshot_bytes),
        }
    )
    published = {
        "commitment_bytes": commitment,
        "snapshot_bytes": snapshot_bytes,
        "parameters_bytes": parameters_bytes,
        "seed_hex": seed.hex() + "\n",
        "result_bytes_published": result,
    }
    assert draw.verify(**published).ok
    other_seed = hashlib.sha256(seed).digest()
    assert not draw.verify(**{**published, "seed_hex": other_seed.hex()}).ok
    tampered = json.loads(result)
    tampered["recusals"]["conflict"] += 1
    assert not draw.verify(
        **{**published, "result_bytes_published": draw.canonical_json(tampered)}
    ).ok


def test_no_bias_among_subjects_of_a_stratum():
    """2,000 draws of 5 among 20 subjects of one stratum: each subject should be selected
    2000 × 5/20 = 500 times. Pearson's chi-square over the 20 counts, with 19 degrees of
    freedom, stays below 43.82, the critical value at the 0.1% level (sampling without
    replacement makes the statistic a little smaller than a multinomial's, so the test errs on
    the side of finding bias). The seeds are fixed, so the outcome is too."""
    subjects = [(_uscc(n), "employer", "C", None, []) for n in range(20)]
    inspectors = [(f"I{n:02d}", ALL_ITEMS, []) for n in range(4)]
    snapshot_bytes = draw.snapshot_build(subjects, inspectors)
    parameters_bytes = draw.canonical_json(_parameters({"C": 2500}))
    rounds = 2000
    counts = dict.fromkeys((row[0] for row in subjects), 0)
    first_picked = dict.fromkeys(counts, 0)
    for n in range(rounds):
        seed = hashlib.sha256(f"chi-square {n}".encode()).digest()
        result = _run(snapshot_bytes, parameters_bytes, seed)
        assert result["counts"]["C"] == [20, 5]
        for uscc, *_ in result["inspections"]:
            counts[uscc] += 1
        first_picked[result["inspections"][0][0]] += 1
    expected = rounds * 5 / 20
    statistic = sum((observed - expected) ** 2 / expected for observed in counts.values())
    assert statistic < 43.82, (statistic, counts)
    # The order of selection too: which subject comes first is uniform (2000/20 = 100 each).
    expected_first = rounds / 20
    statistic_first = sum((o - expected_first) ** 2 / expected_first for o in first_picked.values())
    assert statistic_first < 43.82, (statistic_first, first_picked)


def test_load_is_balanced_and_ties_are_random():
    subjects = [(_uscc(n), "employer", "D", None, []) for n in range(90)]
    inspectors = [(f"I{n:02d}", ALL_ITEMS, []) for n in range(12)]
    snapshot_bytes = draw.snapshot_build(subjects, inspectors)
    parameters_bytes = draw.canonical_json(_parameters({"D": 10000}))
    firsts = set()
    for n in range(5):
        result = _run(snapshot_bytes, parameters_bytes, bytes([n]) * 32)
        loads = dict.fromkeys((code for code, _, _ in inspectors), 0)
        for *_, team in result["inspections"]:
            for code in team:
                loads[code] += 1
        assert sum(loads.values()) == 180
        assert max(loads.values()) - min(loads.values()) <= 1
        firsts.add(tuple(result["inspections"][0][3]))
    assert len(firsts) > 1  # different seeds, different teams


def test_stream_and_sizes_are_as_documented():
    seed = bytes(range(32))
    block = hashlib.sha256(b"portal-draw/1\x00inspectors\x00" + seed + bytes(8)).digest()
    stream = draw.RandomStream(seed, "inspectors")
    assert [stream.next_uint64() for _ in range(4)] == [
        int.from_bytes(block[i : i + 8], "big") for i in range(0, 32, 8)
    ]
    # ceil per stratum, then the shortfall to 5% made up by the riskiest first.
    # 1% of 100 is 1, 5% of 103 is 6: D gives its 3, A the other 2.
    assert draw.stratum_sizes({"A": 100, "B": 0, "C": 0, "D": 3}, {"A": 100}) == {
        "A": 3,
        "B": 0,
        "C": 0,
        "D": 3,
    }
    assert draw.stratum_sizes({"A": 41, "D": 0}, {"A": 0}) == {"A": 3, "B": 0, "C": 0, "D": 0}
    assert draw.months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    "change",
    [
        {"minimum_ratio_bp": 499},
        {"inspectors_per_inspection": 1},
        {"strata": {"E": 100}},
        {"strata": {"A": 10001}},
        {"algorithm": "portal-draw/0"},
        {"items": {"foreign_worker": ["X"]}},
        {"on": "yesterday"},
    ],
)
def test_bad_parameters_are_refused(change):
    parameters = _parameters(**{"strata": {"A": 500}, **change})
    with pytest.raises(draw.DrawError):
        _run(draw.snapshot_build([], []), draw.canonical_json(parameters), bytes(32))


def test_bad_snapshots_are_refused():
    good = json.loads(draw.snapshot_build([(_uscc(1), "employer", "A", None, [])], []))
    unsorted = {**good, "subjects": good["subjects"] * 2}
    for document in (unsorted, {**good, "format": "other"}, {"subjects": []}):
        with pytest.raises(draw.DrawError):
            draw.snapshot_load(json.dumps(document).encode())
    with pytest.raises(draw.DrawError):
        draw.snapshot_load(b"not json")
