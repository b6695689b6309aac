"""Django admin for staff: read-only views of the records.

Writes go through `portal.records.services` (or `import_records`) so that each one is validated,
audited and refreshes the rating; the admin therefore only shows. Workers' data needs the model's
view permission like any other admin page, and is never shown anywhere public.
"""

from django.contrib import admin

from portal.records.models import (
    CreditEvent,
    ForeignWorker,
    Organisation,
    OrganisationStatement,
    WorkerCreditEntry,
    WorkPermit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["uscc", "name", "kind", "region", "credit_rating", "registration_status"]
    list_filter = ["kind", "credit_rating", "registration_status"]
    search_fields = ["uscc", "name", "name_en"]
    list_select_related = ["region"]


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "organisation",
        "kind",
        "severity",
        "published_on",
        "public_until",
        "repaired_on",
    ]
    list_filter = ["kind", "severity", "list_kind", "outcome"]
    search_fields = ["reference", "title", "organisation__uscc", "organisation__name"]
    list_select_related = ["organisation"]
    date_hierarchy = "published_on"


@admin.register(OrganisationStatement)
class OrganisationStatementAdmin(ReadOnlyAdmin):
    list_display = ["event", "received_on", "published_on"]
    list_select_related = ["event"]


@admin.register(ForeignWorker)
class ForeignWorkerAdmin(ReadOnlyAdmin):
    list_display = ["personal_code", "surname", "given_names", "nationality"]
    search_fields = ["personal_code", "surname", "given_names", "passport_number"]


@admin.register(WorkPermit)
class WorkPermitAdmin(ReadOnlyAdmin):
    list_display = ["permit_number", "worker", "employer", "valid_from", "valid_to", "status"]
    search_fields = ["permit_number", "worker__personal_code", "employer__uscc"]
    list_select_related = ["worker", "employer"]


@admin.register(WorkerCreditEntry)
class WorkerCreditEntryAdmin(ReadOnlyAdmin):
    list_display = ["worker", "kind", "title", "decided_on"]
    list_select_related = ["worker"]
