"""search_reconcile finds missing, stale and extra documents, and repairs them."""

import pytest
from django.core.management import CommandError, call_command

from portal.records.models import Organisation
from search.client import get_client
from search.indexing import alias_name, index_refresh
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_reconcile_reports_and_repairs_drift(capsys, index_now):
    indexed = OrganisationFactory.create_batch(3)
    index_now(*indexed)
    never_indexed = OrganisationFactory()  # no worker ran: missing from the index
    changed = indexed[0]
    changed.name = "杭州改名后科技有限公司"
    changed.save()  # saved, but no worker ran: the document is stale
    gone = indexed[1]
    Organisation.objects.filter(pk=gone.pk).delete()  # queryset delete: no signal, doc left over

    with pytest.raises(CommandError, match="--repair"):
        call_command("search_reconcile")
    report = capsys.readouterr().out
    assert "Checked 4: 1 missing, 1 stale, 1 extra." in report
    assert never_indexed.uscc in report and changed.uscc in report and gone.uscc in report

    call_command("search_reconcile", "--repair")
    index_refresh()
    call_command("search_reconcile")
    assert "0 missing, 0 stale, 0 extra" in capsys.readouterr().out.splitlines()[-1]
    source = get_client().get(index=alias_name(), id=changed.uscc)["_source"]
    assert source["display_name"] == "杭州改名后科技有限公司"
    assert not get_client().exists(index=alias_name(), id=gone.uscc)
