"""A second, naive implementation of the draw, written from the docstring of
portal/inspections/draw.py alone (sections 2 to 7) with no code of that module: the property
tests check that both give the same bytes, so the docstring is enough to re-implement it."""

import calendar
import datetime
import hashlib
import json


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class _Stream:
    def __init__(self, seed: bytes, label: str):
        self.seed, self.label, self.counter, self.pending = seed, label, 0, []

    def next(self) -> int:
        if not self.pending:
            block = hashlib.sha256(
                b"portal-draw/1\x00"
                + self.label.encode()
                + b"\x00"
                + self.seed
                + self.counter.to_bytes(8, "big")
            ).digest()
            self.counter += 1
            self.pending = [int.from_bytes(block[i : i + 8], "big") for i in range(0, 32, 8)]
        return self.pending.pop(0)

    def below(self, n: int) -> int:
        limit = 2**64 - (2**64 % n)
        while True:
            value = self.next()
            if value < limit:
                return value % n


def _months_before(day: datetime.date, months: int) -> datetime.date:
    total = day.year * 12 + (day.month - 1) - months
    year, month = total // 12, total % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _ceil(count: int, bp: int) -> int:
    return (count * bp + 9999) // 10000


def reference_run(snapshot_bytes: bytes, parameters_bytes: bytes, seed: bytes) -> bytes:
    snapshot = json.loads(snapshot_bytes)
    parameters = json.loads(parameters_bytes)
    on = datetime.date.fromisoformat(parameters["on"])
    months = parameters["exclusion_months"]
    cutoff = _months_before(on, months) if months else None
    items = {kind: codes for kind, codes in parameters["items"].items() if codes}
    strata = {risk: [] for risk in "ABCD"}
    for subject in snapshot["subjects"]:
        uscc, kind, risk, last, _previous = subject
        if kind not in items:
            continue
        if cutoff and last and datetime.date.fromisoformat(last) > cutoff:
            continue
        strata[risk].append(subject)
    sizes = {
        r: min(len(strata[r]), _ceil(len(strata[r]), parameters["strata"].get(r, 0)))
        for r in "ABCD"
    }
    total = sum(len(members) for members in strata.values())
    missing = _ceil(total, parameters["minimum_ratio_bp"]) - sum(sizes.values())
    for r in "DCBA":
        extra = max(0, min(missing, len(strata[r]) - sizes[r]))
        sizes[r] += extra
        missing -= extra
    selected = []
    for r in "ABCD":
        members = list(strata[r])
        stream = _Stream(seed, f"subjects/{r}")
        for i in range(sizes[r]):
            j = i + stream.below(len(members) - i)
            members[i], members[j] = members[j], members[i]
        selected += [(r, subject) for subject in members[: sizes[r]]]
    stream = _Stream(seed, "inspectors")
    inspectors = snapshot["inspectors"]
    load = {code: 0 for code, _, _ in inspectors}
    key = {code: stream.next() for code, _, _ in inspectors}
    recusals = {"conflict": 0, "last_inspection": 0}
    inspections = []
    for r, (uscc, kind, _risk, _last, previous) in selected:
        needed = set(items[kind])
        qualified = sorted(
            (load[code], key[code], code, conflicts)
            for code, their_items, conflicts in inspectors
            if needed <= set(their_items)
        )
        team = []
        for _load, _key, code, conflicts in qualified:
            if len(team) == parameters["inspectors_per_inspection"]:
                break
            if uscc in conflicts:
                recusals["conflict"] += 1
            elif code in previous:
                recusals["last_inspection"] += 1
            else:
                team.append(code)
        assert len(team) == parameters["inspectors_per_inspection"], "too few inspectors"
        for code in team:
            load[code] += 1
            key[code] = stream.next()
        inspections.append([uscc, r, sorted(items[kind]), team])
    return _dumps(
        {
            "algorithm": "portal-draw/1",
            "counts": {r: [len(strata[r]), sizes[r]] for r in "ABCD"},
            "inspections": inspections,
            "parameters_sha256": hashlib.sha256(parameters_bytes).hexdigest(),
            "recusals": recusals,
            "seed_sha256": hashlib.sha256(seed).hexdigest(),
            "snapshot_sha256": hashlib.sha256(snapshot_bytes).hexdigest(),
        }
    )
