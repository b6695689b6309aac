"""The double-random draw (双随机抽取): a pure, deterministic function of published inputs.

Anyone can re-implement this module from this docstring and re-run a published draw; the public
page of a draw (/inspections/draws/<id>/) offers the four files it reads and the one it writes,
and `manage.py draw_verify` does the re-run here. Nothing in this module touches the database,
the clock or any source of randomness other than the seed.

Algorithm version: ``portal-draw/1``.

1. Inputs
---------
Three JSON documents and a seed, all published:

- ``snapshot.json``: the frozen candidates. Its SHA-256 (of the exact bytes) is committed before
  the draw. Canonical form: UTF-8 JSON without any whitespace, object keys sorted, arrays as
  below (`canonical_json`)::

      {"format": "portal-draw-snapshot/1",
       "inspectors": [[code, [item codes, sorted], [USCCs of declared conflicts, sorted]], ...],
       "subjects": [[uscc, kind, risk class, last inspected on (YYYY-MM-DD) or null,
                     [codes of the inspectors who inspected it last time, sorted]], ...]}

  ``subjects`` are sorted by USCC, ``inspectors`` by code, each appears once. ``kind`` is
  ``employer`` or ``agency``, the risk class one of ``A B C D``. Inspectors are named only by a
  code drawn at random for this draw (never their name or certificate), and only those in the
  plan's region and available on the draw's date are listed.

- ``parameters.json`` (also committed; canonical form as above)::

      {"algorithm": "portal-draw/1",
       "exclusion_months": 6,            # inspected fewer months ago than this: not drawn
       "inspectors_per_inspection": 2,   # at least 2
       "items": {"agency": [...], "employer": [...]},   # the plan's item codes per kind
       "minimum_ratio_bp": 500,          # 5.00 %: never below this share of the candidates
       "on": "2026-03-01",               # the reference date of the exclusions
       "plan": 7, "province": "440000",
       "strata": {"A": 300, "B": 500, "C": 1000, "D": 2000}}   # sampling ratios, 1/100 of 1 %

- the seed: 32 bytes, published in hexadecimal after the draw; its SHA-256 is committed before.

2. The random stream
--------------------
A counter-mode SHA-256 stream per label (`RandomStream`). Block ``i`` (i = 0, 1, 2, …) of the
stream with label ``L`` is::

    SHA-256( b"portal-draw/1" || 0x00 || L (UTF-8) || 0x00 || seed || i as 8 bytes big-endian )

Each 32-byte block gives four unsigned 64-bit integers, big-endian, in order; the stream is
these integers one after another. A uniform integer below ``n`` (`RandomStream.below`): let
``limit = 2^64 - (2^64 mod n)``; take the next integer ``v`` of the stream, reject it and take
the next while ``v >= limit``; the answer is ``v mod n``. (So no modulo bias.)

Labels: ``subjects/A``, ``subjects/B``, ``subjects/C``, ``subjects/D`` for the strata and
``inspectors`` for the assignment: each stratum's sample does not depend on the others'.

3. Candidates and strata
------------------------
A subject is a candidate when its kind has at least one item in ``items`` and it was not
inspected in the exclusion window: ``last inspected on`` is null, or is on or before the date
``exclusion_months`` calendar months before ``on`` (the day of month clamped to the month's
last day; 0 months excludes no one). Stratum ``s`` holds the candidates of risk class ``s`` in
snapshot order (by USCC); ``N_s`` is its size and ``N`` the sum.

4. How many per stratum
-----------------------
``n_s = ceil(N_s × ratio_s / 10000)`` (integer arithmetic). The minimum is
``m = ceil(N × minimum_ratio_bp / 10000)``. While ``Σ n_s < m`` the shortfall is added to the
strata in the order D, C, B, A, each up to ``N_s``: the riskiest subjects make up for a low
ratio elsewhere. So the draw never selects fewer than ``m`` (rounded up).

5. Subjects
-----------
For each stratum in the order A, B, C, D, a partial Fisher–Yates shuffle with the stratum's
stream: with the list ``L`` of the stratum (by USCC) and ``k = n_s``, for ``i`` from 0 to
``k - 1``: ``j = i + below(N_s - i)``; swap ``L[i]`` and ``L[j]``. The selection is ``L[0..k-1]``
in this order. Each selected subject becomes one joint inspection of all the items of its kind
(联合抽查: one visit, however many items).

6. Inspectors
-------------
Inspections are staffed one after another, in the order of the strata A, B, C, D and within a
stratum in the order of selection. An inspector is qualified for an inspection when their items
include every item of the inspection, and eligible when qualified and not recused: no declared
conflict with the subject's USCC, and not among those who inspected it last time. Each inspector
has a load (inspections assigned so far in this draw, from 0) and a tie-break key; initially, for
inspectors in snapshot order, the key is the next integer of the ``inspectors`` stream.

For an inspection needing ``t = inspectors_per_inspection`` inspectors: pick, ``t`` times, the
eligible inspector not yet picked for it with the smallest (load, key, code). After the ``t``
picks, for each picked inspector in pick order, add 1 to their load and give them a new key: the
next integer of the ``inspectors`` stream. So the work is balanced (no eligible inspector has two
more inspections than another of the same pool and eligibility) and, among equally loaded ones,
the choice is uniformly random. Fewer than ``t`` eligible inspectors: the draw fails (`DrawError`).

7. Output
---------
``result.json`` in canonical form::

    {"algorithm": "portal-draw/1",
     "counts": {"A": [N_A, n_A], ...},            # candidates and selected per stratum
     "inspections": [[uscc, risk class, [item codes], [inspector codes, in pick order]], ...],
     "parameters_sha256": ..., "recusals": {"conflict": c, "last_inspection": l},
     "seed_sha256": ..., "snapshot_sha256": ...}

``inspections`` in the order they were staffed. ``recusals`` counts, over all inspections, the
qualified inspectors passed over for a conflict (``conflict``) or, without a conflict, for having
inspected the subject last time (``last_inspection``) while they were the best by (load, key) —
as a statistic, not part of the rule. The draw is verified when the re-run gives the same bytes.

Implementation note: the assignment keeps, per distinct item set, a heap of (load, key, code,
version) with lazy deletion, so a draw over a million subjects and thousands of inspectors stays
within seconds; the rule above is what it computes.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime
import gc
import hashlib
import heapq
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

ALGORITHM_VERSION = "portal-draw/1"
SNAPSHOT_FORMAT = "portal-draw-snapshot/1"
RISK_CLASSES = ("A", "B", "C", "D")
# Who makes up a shortfall below the minimum ratio: the riskiest first.
TOP_UP_ORDER = ("D", "C", "B", "A")
BASIS_POINTS = 10_000
MINIMUM_RATIO_BP = 500  # 5 %: policy section 三(三)1, 抽查比例不低于5%
MINIMUM_INSPECTORS = 2  # 三(三)2: at least two enforcement officers per inspection
SEED_BYTES = 32
SUBJECT_KINDS = ("agency", "employer")

_TWO_64 = 1 << 64


class DrawError(ValueError):
    """The inputs are malformed or the draw cannot be carried out (say, too few inspectors)."""


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON value: UTF-8, no whitespace, keys sorted, non-ASCII as is;
    for the values used here (strings, integers, null, arrays, objects) exactly what Python's
    ``json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` gives,
    made by orjson, which is several times faster."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RandomStream:
    """The counter-mode SHA-256 stream of section 2, for one label."""

    __slots__ = ("_prefix", "_counter", "_buffer")

    def __init__(self, seed: bytes, label: str):
        self._prefix = ALGORITHM_VERSION.encode() + b"\x00" + label.encode("utf-8") + b"\x00" + seed
        self._counter = 0
        self._buffer: list[int] = []

    def next_uint64(self) -> int:
        if not self._buffer:
            block = hashlib.sha256(self._prefix + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            # Reversed, so pop() hands them out in block order.
            self._buffer = [
                int.from_bytes(block[offset : offset + 8], "big") for offset in (24, 16, 8, 0)
            ]
        return self._buffer.pop()

    def below(self, n: int) -> int:
        """A uniform integer in [0, n), by rejection (no modulo bias)."""
        if n <= 0:
            raise DrawError("below() needs a positive bound")
        limit = _TWO_64 - (_TWO_64 % n)
        while True:
            value = self.next_uint64()
            if value < limit:
                return value % n


def months_before(day: datetime.date, months: int) -> datetime.date:
    """`day` minus whole calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ceil_ratio(count: int, basis_points: int) -> int:
    """ceil(count × basis_points / 10000) in integers."""
    return -(-count * basis_points // BASIS_POINTS)


def stratum_sizes(
    available: dict[str, int], ratios: dict[str, int], minimum_bp: int = MINIMUM_RATIO_BP
) -> dict[str, int]:
    """How many to select per stratum (section 4), given the candidates per stratum."""
    sizes = {
        risk: min(available.get(risk, 0), ceil_ratio(available.get(risk, 0), ratios.get(risk, 0)))
        for risk in RISK_CLASSES
    }
    shortfall = ceil_ratio(sum(available.values()), minimum_bp) - sum(sizes.values())
    for risk in TOP_UP_ORDER:
        if shortfall <= 0:
            break
        extra = min(shortfall, available.get(risk, 0) - sizes[risk])
        sizes[risk] += extra
        shortfall -= extra
    return sizes


# ---------------------------------------------------------------------------------------------
# Reading and checking the inputs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parameters:
    plan: int
    province: str
    on: datetime.date
    items: dict[str, tuple[str, ...]]
    strata: dict[str, int]
    minimum_ratio_bp: int
    exclusion_months: int
    inspectors_per_inspection: int

    def as_json(self) -> dict[str, Any]:
        return {
            "algorithm": ALGORITHM_VERSION,
            "exclusion_months": self.exclusion_months,
            "inspectors_per_inspection": self.inspectors_per_inspection,
            "items": {kind: list(codes) for kind, codes in sorted(self.items.items())},
            "minimum_ratio_bp": self.minimum_ratio_bp,
            "on": self.on.isoformat(),
            "plan": self.plan,
            "province": self.province,
            "strata": dict(sorted(self.strata.items())),
        }


def parameters_load(value: dict[str, Any]) -> Parameters:
    """Check and read a parameters document (section 1)."""
    try:
        if value["algorithm"] != ALGORITHM_VERSION:
            raise DrawError(f"unsupported algorithm {value['algorithm']!r}")
        items = {
            str(kind): tuple(sorted(str(code) for code in codes))
            for kind, codes in value["items"].items()
        }
        strata = {str(risk): int(bp) for risk, bp in value["strata"].items()}
        parameters = Parameters(
            plan=int(value["plan"]),
            province=str(value["province"]),
            on=datetime.date.fromisoformat(value["on"]),
            items=items,
            strata=strata,
            minimum_ratio_bp=int(value["minimum_ratio_bp"]),
            exclusion_months=int(value["exclusion_months"]),
            inspectors_per_inspection=int(value["inspectors_per_inspection"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, DrawError):
            raise
        raise DrawError(f"malformed parameters: {error}") from error
    bad_ratio = any(not 0 <= bp <= BASIS_POINTS for bp in strata.values())
    if set(strata) - set(RISK_CLASSES) or bad_ratio:
        raise DrawError("strata: ratios per risk class A–D between 0 and 10000 basis points")
    if parameters.minimum_ratio_bp < MINIMUM_RATIO_BP:
        raise DrawError("the minimum ratio cannot be below 5% (500 basis points)")
    if parameters.inspectors_per_inspection < MINIMUM_INSPECTORS:
        raise DrawError("at least two inspectors per inspection")
    if parameters.exclusion_months < 0:
        raise DrawError("exclusion_months cannot be negative")
    if set(items) - set(SUBJECT_KINDS):
        raise DrawError("items: only employer and agency subjects are drawn")
    return parameters


@dataclass(slots=True)
class Snapshot:
    # Columns, in USCC order: kept as parallel lists (a million subjects as tuples of five
    # Python objects would cost several hundred megabytes more).
    usccs: list[str]
    kinds: list[str]
    risks: list[str]
    last_inspected: list[str | None]
    last_inspectors: list[list[str]]
    inspector_codes: list[str]
    inspector_items: list[list[str]]
    inspector_conflicts: list[list[str]]


def snapshot_build(
    subjects: Iterable[tuple[str, str, str, datetime.date | None, Iterable[str]]],
    inspectors: Iterable[tuple[str, Iterable[str], Iterable[str]]],
) -> bytes:
    """The canonical snapshot bytes for these subjects (uscc, kind, risk class, last inspected
    on, codes of last inspectors) and inspectors (code, item codes, conflict USCCs)."""
    subject_rows = sorted(
        [
            uscc,
            kind,
            risk,
            last.isoformat() if last is not None else None,
            sorted(set(previous)),
        ]
        for uscc, kind, risk, last, previous in subjects
    )
    inspector_rows = sorted(
        [code, sorted(set(items)), sorted(set(conflicts))] for code, items, conflicts in inspectors
    )
    return canonical_json(
        {"format": SNAPSHOT_FORMAT, "inspectors": inspector_rows, "subjects": subject_rows}
    )


def snapshot_load(data: bytes) -> Snapshot:
    """Check and read snapshot bytes: format, order, uniqueness, values."""
    with _no_cyclic_gc():
        return _snapshot_load(data)


@contextlib.contextmanager
def _no_cyclic_gc():
    # Millions of small lists would set off the cyclic collector again and again (it is their
    # count, not their size, that triggers it); none of them form cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _snapshot_load(data: bytes) -> Snapshot:
    try:
        document = orjson.loads(data)
        if document["format"] != SNAPSHOT_FORMAT:
            raise DrawError(f"unsupported snapshot format {document['format']!r}")
        subjects = document["subjects"]
        inspectors = document["inspectors"]
        del document
        usccs, kinds, risks, last_inspected, last_inspectors = (
            [list(column) for column in zip(*subjects, strict=True)] if subjects else [[]] * 5
        )
        del subjects
        codes, items, conflicts = (
            [list(column) for column in zip(*inspectors, strict=True)] if inspectors else [[]] * 3
        )
        del inspectors
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, DrawError):
            raise
        raise DrawError(f"malformed snapshot: {error}") from error
    if any(a >= b for a, b in zip(usccs, usccs[1:], strict=False)):
        raise DrawError("snapshot subjects must be sorted by USCC, each once")
    if any(a >= b for a, b in zip(codes, codes[1:], strict=False)):
        raise DrawError("snapshot inspectors must be sorted by code, each once")
    if not set(risks) <= set(RISK_CLASSES):
        raise DrawError("snapshot risk classes must be A, B, C or D")
    return Snapshot(usccs, kinds, risks, last_inspected, last_inspectors, codes, items, conflicts)


# ---------------------------------------------------------------------------------------------
# The draw
# ---------------------------------------------------------------------------------------------


def run(
    *, snapshot_bytes: bytes, parameters_bytes: bytes, seed: bytes, algorithm: str
) -> dict[str, Any]:
    """Carry out the draw of the module docstring; returns the result document (section 7)."""
    if algorithm != ALGORITHM_VERSION:
        raise DrawError(f"unsupported algorithm {algorithm!r}")
    if len(seed) != SEED_BYTES:
        raise DrawError(f"the seed must be {SEED_BYTES} bytes")
    try:
        parameters = parameters_load(json.loads(parameters_bytes))
    except ValueError as error:
        raise DrawError(f"malformed parameters: {error}") from error
    with _no_cyclic_gc():
        snapshot = _snapshot_load(snapshot_bytes)
        selected, counts = _select_subjects(snapshot, parameters, seed)
        inspections, recusals = _assign_inspectors(snapshot, parameters, seed, selected)
    return {
        "algorithm": ALGORITHM_VERSION,
        "counts": counts,
        "inspections": inspections,
        "parameters_sha256": sha256_hex(parameters_bytes),
        "recusals": recusals,
        "seed_sha256": sha256_hex(seed),
        "snapshot_sha256": sha256_hex(snapshot_bytes),
    }


def _select_subjects(
    snapshot: Snapshot, parameters: Parameters, seed: bytes
) -> tuple[list[tuple[str, int]], dict[str, list[int]]]:
    cutoff = (
        months_before(parameters.on, parameters.exclusion_months).isoformat()
        if parameters.exclusion_months
        else None
    )
    kinds_with_items = {kind for kind, codes in parameters.items.items() if codes}
    strata: dict[str, list[int]] = {risk: [] for risk in RISK_CLASSES}
    last_inspected = snapshot.last_inspected
    for index, (kind, risk) in enumerate(zip(snapshot.kinds, snapshot.risks, strict=True)):
        if kind not in kinds_with_items:
            continue
        last = last_inspected[index]
        # ISO dates compare as strings.
        if cutoff is not None and last is not None and last > cutoff:
            continue
        strata[risk].append(index)
    sizes = stratum_sizes(
        {risk: len(members) for risk, members in strata.items()},
        parameters.strata,
        parameters.minimum_ratio_bp,
    )
    selected: list[tuple[str, int]] = []
    for risk in RISK_CLASSES:
        members = strata[risk]
        stream = RandomStream(seed, f"subjects/{risk}")
        size = len(members)
        for i in range(sizes[risk]):
            j = i + stream.below(size - i)
            members[i], members[j] = members[j], members[i]
        selected.extend((risk, index) for index in members[: sizes[risk]])
    counts = {risk: [len(strata[risk]), sizes[risk]] for risk in RISK_CLASSES}
    return selected, counts


def _assign_inspectors(
    snapshot: Snapshot, parameters: Parameters, seed: bytes, selected: list[tuple[str, int]]
) -> tuple[list[list[Any]], dict[str, int]]:
    team_size = parameters.inspectors_per_inspection
    stream = RandomStream(seed, "inspectors")
    codes = snapshot.inspector_codes
    count = len(codes)
    loads = [0] * count
    keys = [stream.next_uint64() for _ in range(count)]
    versions = [0] * count
    item_sets = {kind: frozenset(codes_) for kind, codes_ in parameters.items.items() if codes_}
    # One heap per item set, holding the qualified inspectors; stale entries (older version)
    # are dropped when they surface.
    pools: dict[str, list[tuple[int, int, str, int, int]]] = {}
    member_of: list[list[str]] = [[] for _ in range(count)]
    for kind, needed in item_sets.items():
        heap = []
        for index in range(count):
            if needed.issubset(snapshot.inspector_items[index]):
                heap.append((0, keys[index], codes[index], 0, index))
                member_of[index].append(kind)
        heapq.heapify(heap)
        pools[kind] = heap
    conflicts_by_subject: dict[str, set[int]] = {}
    for index, usccs in enumerate(snapshot.inspector_conflicts):
        for uscc in usccs:
            conflicts_by_subject.setdefault(uscc, set()).add(index)
    index_of_code = {code: index for index, code in enumerate(codes)}
    recusals = {"conflict": 0, "last_inspection": 0}
    inspections: list[list[Any]] = []
    for risk, subject in selected:
        uscc = snapshot.usccs[subject]
        kind = snapshot.kinds[subject]
        heap = pools[kind]
        conflicted = conflicts_by_subject.get(uscc, ())
        previous = {
            index_of_code[code]
            for code in snapshot.last_inspectors[subject]
            if code in index_of_code
        }
        team: list[int] = []
        set_aside: list[tuple[int, int, str, int, int]] = []
        while len(team) < team_size and heap:
            entry = heapq.heappop(heap)
            index = entry[4]
            if entry[3] != versions[index]:
                continue  # stale
            set_aside.append(entry)
            if index in conflicted:
                recusals["conflict"] += 1
            elif index in previous:
                recusals["last_inspection"] += 1
            else:
                team.append(index)
        if len(team) < team_size:
            raise DrawError(f"too few eligible inspectors for {uscc}: {len(team)} of {team_size}")
        for entry in set_aside:
            if entry[4] not in team:
                heapq.heappush(heap, entry)
        for index in team:
            loads[index] += 1
            keys[index] = stream.next_uint64()
            versions[index] += 1
            for pool in member_of[index]:
                heapq.heappush(
                    pools[pool], (loads[index], keys[index], codes[index], versions[index], index)
                )
        inspections.append(
            [uscc, risk, list(parameters.items[kind]), [codes[index] for index in team]]
        )
    return inspections, recusals


def result_bytes(result: dict[str, Any]) -> bytes:
    return canonical_json(result)


@dataclass(frozen=True)
class Verification:
    ok: bool
    checks: list[tuple[str, bool]]


def verify(
    *,
    commitment_bytes: bytes,
    snapshot_bytes: bytes,
    parameters_bytes: bytes,
    seed_hex: str,
    result_bytes_published: bytes,
) -> Verification:
    """Re-run a published draw and compare: each check by name, and whether all passed."""
    checks: list[tuple[str, bool]] = []
    try:
        commitment = json.loads(commitment_bytes)
        seed = bytes.fromhex(seed_hex.strip())
    except ValueError as error:
        raise DrawError(f"malformed commitment or seed: {error}") from error
    if not isinstance(commitment, dict):
        raise DrawError("malformed commitment")
    checks.append(
        ("snapshot_sha256", commitment.get("snapshot_sha256") == sha256_hex(snapshot_bytes))
    )
    checks.append(
        ("parameters_sha256", commitment.get("parameters_sha256") == sha256_hex(parameters_bytes))
    )
    checks.append(("seed_sha256", commitment.get("seed_sha256") == sha256_hex(seed)))
    algorithm = commitment.get("algorithm", "")
    checks.append(("algorithm", algorithm == ALGORITHM_VERSION))
    if all(ok for _, ok in checks):
        rerun = result_bytes(
            run(
                snapshot_bytes=snapshot_bytes,
                parameters_bytes=parameters_bytes,
                seed=seed,
                algorithm=algorithm,
            )
        )
        checks.append(("result", rerun == result_bytes_published))
    else:
        checks.append(("result", False))
    return Verification(ok=all(ok for _, ok in checks), checks=checks)
