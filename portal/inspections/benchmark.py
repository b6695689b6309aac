"""The draw benchmark: a synthetic province of N subjects and M inspectors with declared
conflicts and past inspections, drawn and verified in fresh processes that load nothing but
the draw module, so their peak memory is the draw's own (plus the interpreter's ~10 MB).

Data comes from the draw's own SHA-256 stream with a fixed seed, so every run draws the same
province."""

import datetime
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from portal.inspections import draw

ITEMS = {"employer": ["GJ-01", "GJ-03"], "agency": ["GJ-02"]}
ALL_ITEMS = ["GJ-01", "GJ-02", "GJ-03"]
ON = datetime.date(2026, 3, 1)


def _uscc(n: int) -> str:
    return f"9144{n:014d}"


def generate(
    *, subjects: int, inspectors: int, conflicts: int, seed: bytes
) -> tuple[bytes, bytes, bytes]:
    """(snapshot, parameters, seed) of a synthetic province: risk classes A 30%, B 40%, C 20%,
    D 10%; a fifth are agencies; a third inspected in the last two years, a tenth with the
    two inspectors of last time; each inspector qualified for all items (or, one in five, for
    the employer items only) with `conflicts` declared conflicts."""
    stream = draw.RandomStream(seed, "benchmark")
    codes = [f"I{n:06X}" for n in range(inspectors)]
    risk_table = "A" * 30 + "B" * 40 + "C" * 20 + "D" * 10

    def subject_rows():
        for n in range(subjects):
            value = stream.next_uint64()
            risk = risk_table[value % 100]
            kind = "agency" if (value >> 8) % 5 == 0 else "employer"
            last = None
            if (value >> 16) % 3 == 0:
                last = ON - datetime.timedelta(days=(value >> 24) % 730)
            previous = []
            if (value >> 40) % 10 == 0:
                previous = [codes[(value >> 44) % inspectors], codes[(value >> 52) % inspectors]]
            yield _uscc(n), kind, risk, last, previous

    def inspector_rows():
        for n, code in enumerate(codes):
            items = ITEMS["employer"] if n % 5 == 4 else ALL_ITEMS
            tied = [_uscc(stream.below(subjects)) for _ in range(conflicts)]
            yield code, items, tied

    snapshot = draw.snapshot_build(subject_rows(), inspector_rows())
    parameters = draw.canonical_json(
        {
            "algorithm": draw.ALGORITHM_VERSION,
            "exclusion_months": 12,
            "inspectors_per_inspection": 2,
            "items": ITEMS,
            "minimum_ratio_bp": draw.MINIMUM_RATIO_BP,
            "on": ON.isoformat(),
            "plan": 1,
            "province": "440000",
            "strata": {"A": 300, "B": 500, "C": 1000, "D": 2000},
        }
    )
    return snapshot, parameters, draw.RandomStream(seed, "seed").next_uint64().to_bytes(8) * 4


def _peak_kib() -> int:
    """The process's peak resident memory in KiB: VmHWM of its own address space on Linux
    (ru_maxrss would also count the parent's memory, inherited through fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_draw(folder: str) -> None:
    """In a fresh process: run the draw on the files in `folder`, write result.json, print
    the time and the peak resident memory as JSON."""
    path = Path(folder)
    started = time.perf_counter()
    result = draw.run(
        snapshot_bytes=(path / "snapshot.json").read_bytes(),
        parameters_bytes=(path / "parameters.json").read_bytes(),
        seed=bytes.fromhex((path / "seed.txt").read_text()),
        algorithm=draw.ALGORITHM_VERSION,
    )
    (path / "result.json").write_bytes(draw.result_bytes(result))
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "peak_kib": _peak_kib(),
                "inspections": len(result["inspections"]),
                "counts": result["counts"],
                "recusals": result["recusals"],
            }
        )
    )


def child_verify(folder: str) -> None:
    """In a fresh process: verify the published files in `folder` (hashes, re-run, compare)."""
    path = Path(folder)
    started = time.perf_counter()
    verification = draw.verify(
        commitment_bytes=(path / "commitment.json").read_bytes(),
        snapshot_bytes=(path / "snapshot.json").read_bytes(),
        parameters_bytes=(path / "parameters.json").read_bytes(),
        seed_hex=(path / "seed.txt").read_text(),
        result_bytes_published=(path / "result.json").read_bytes(),
    )
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "peak_kib": _peak_kib(),
                "ok": verification.ok,
            }
        )
    )


def _in_child(function: str, folder: str) -> dict:
    code = f"from portal.inspections.benchmark import {function}; {function}({folder!r})"
    completed = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run_benchmark(*, subjects: int, inspectors: int, conflicts: int, seed: bytes, write) -> dict:
    """Generate, commit (hash), draw and verify; report figures through `write(line)`."""
    started = time.perf_counter()
    snapshot, parameters, draw_seed = generate(
        subjects=subjects, inspectors=inspectors, conflicts=conflicts, seed=seed
    )
    generated = time.perf_counter() - started
    write(
        f"snapshot: {subjects:,} subjects, {inspectors:,} inspectors, {conflicts} conflicts "
        f"each; {len(snapshot) / 2**20:.1f} MiB canonical JSON, built in {generated:.1f} s"
    )
    with tempfile.TemporaryDirectory(prefix="draw-benchmark-") as folder:
        path = Path(folder)
        (path / "snapshot.json").write_bytes(snapshot)
        (path / "parameters.json").write_bytes(parameters)
        (path / "seed.txt").write_text(draw_seed.hex() + "\n")
        (path / "commitment.json").write_bytes(
            draw.canonical_json(
                {
                    "algorithm": draw.ALGORITHM_VERSION,
                    "parameters_sha256": draw.sha256_hex(parameters),
                    "seed_sha256": draw.sha256_hex(draw_seed),
                    "snapshot_sha256": draw.sha256_hex(snapshot),
                }
            )
        )
        del snapshot
        made = _in_child("child_draw", folder)
        write(
            f"draw: {made['seconds']:.2f} s, peak memory {made['peak_kib'] / 1024:.0f} MiB "
            f"(whole process), {made['inspections']:,} joint inspections, "
            f"per stratum [candidates, selected] {made['counts']}, recusals {made['recusals']}"
        )
        checked = _in_child("child_verify", folder)
        outcome = "same selection" if checked["ok"] else "MISMATCH"
        write(
            f"verify: {checked['seconds']:.2f} s, peak memory "
            f"{checked['peak_kib'] / 1024:.0f} MiB, {outcome}"
        )
    return {"draw": made, "verify": checked, "snapshot_seconds": generated}
