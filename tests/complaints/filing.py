"""Filing a complaint in tests: one helper over `complaint_submit` with the usual defaults."""

from complaints.models import Complaint, ComplaintCategory
from complaints.services import Submission, complaint_submit
from portal.core.models import Region


def complaint_file(category: ComplaintCategory, key: str = "a", **fields) -> Submission:
    """File a complaint in `category` through `complaint_submit`: a foreign worker, John Smith,
    with e-mail and phone, in English, about an organisation in Shenzhen, for unpaid wages.
    `fields` replace any of these. The idempotency key is `key` padded to 32 characters with
    "x": the same key files the same complaint once, different keys file different ones."""
    values = {
        "idempotency_key": key.ljust(32, "x"),
        "complainant_kind": Complaint.ComplainantKind.FOREIGN_WORKER,
        "anonymous": False,
        "name": "John Smith",
        "email": "john.smith@example.org",
        "phone": "13800138000",
        "language": "en",
        "subject_kind": Complaint.SubjectKind.ORGANISATION,
        "subject_name": "深圳市某公司",
        "subject_region": Region.objects.get(code="440300"),
        "category": category,
        "what_happened": "My wages for March and April were not paid.",
    }
    values.update(fields)
    return complaint_submit(**values)
