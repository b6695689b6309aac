"""The risk class (A–D) of an inspection subject, computed from its record: a pure function.

The rule for organisations, published with the plan so that subjects know why they are sampled
more or less often:

- **D** (highest risk): the credit rating is D (on the restriction list, or a serious penalty or
  serious finding is public), or at least two inspections found a problem in the last 3 years;
- **C**: otherwise, the credit rating is C (an ordinary penalty or finding is public, or on the
  warning list), or one inspection found a problem in the last 3 years, or at least 3 complaints
  about it were accepted or are being handled in the last 12 months;
- **A** (lowest risk): otherwise, the credit rating is A (something positive is public and
  nothing negative) and there was no complaint in the last 12 months;
- **B**: everyone else, including organisations never inspected.

"Inspections that found a problem" count only while they are public on the credit record (not
after their publication window or a credit repair): the risk class of every candidate is
published with each draw's snapshot, so it must not reveal what the record no longer shows. The
reasons themselves are kept for staff only. Plans set a sampling ratio per class.

Foreign workers have their own rule, on their personal credit file (`worker_risk_class_for`,
below): staff only, never published.
"""

from dataclasses import dataclass

FINDINGS_YEARS = 3
COMPLAINT_MONTHS = 12
FINDINGS_FOR_D = 2
COMPLAINTS_FOR_C = 3


@dataclass(frozen=True, slots=True)
class RiskInputs:
    credit_rating: str  # A–D, portal.records.credit
    negative_findings: int  # inspections with a problem found, last FINDINGS_YEARS years
    complaints: int  # complaints received in the last COMPLAINT_MONTHS months, not rejected


def risk_class_for(inputs: RiskInputs) -> tuple[str, list[str]]:
    """(risk class, reasons): the class by the rule above and the codes of what decided it."""
    reasons: list[str] = []
    if inputs.credit_rating == "D":
        reasons.append("rating_d")
    if inputs.negative_findings >= FINDINGS_FOR_D:
        reasons.append("repeated_findings")
    if reasons:
        return "D", reasons
    if inputs.credit_rating == "C":
        reasons.append("rating_c")
    if inputs.negative_findings:
        reasons.append("finding")
    if inputs.complaints >= COMPLAINTS_FOR_C:
        reasons.append("complaints")
    if reasons:
        return "C", reasons
    if inputs.credit_rating == "A" and not inputs.complaints:
        return "A", ["rating_a"]
    return "B", []


# Foreign workers ---------------------------------------------------------------------------------
# The worker rule, for staff only (a worker's class and reasons are never published):
#
# - **D**: at least two violations on the worker's personal credit file decided in the last
#   3 years;
# - **C**: otherwise, one such violation;
# - **A**: otherwise, a commendation in the last 3 years;
# - **B**: everyone else, including workers whose file is empty.
#
# Notes on the file (kind "note") never change the class. Workers are not drawn on their own:
# the class tells the inspectors of a joint inspection where to look first, and is there for a
# plan that samples workers one day.

WORKER_VIOLATIONS_FOR_D = 2


@dataclass(frozen=True, slots=True)
class WorkerRiskInputs:
    violations: int  # violations on the personal credit file, last FINDINGS_YEARS years
    commendations: int  # commendations on it, same period


def worker_risk_class_for(inputs: WorkerRiskInputs) -> tuple[str, list[str]]:
    """(risk class, reasons) of a foreign worker by the worker rule above."""
    if inputs.violations >= WORKER_VIOLATIONS_FOR_D:
        return "D", ["repeated_violations"]
    if inputs.violations:
        return "C", ["violation"]
    if inputs.commendations:
        return "A", ["commendation"]
    return "B", []
