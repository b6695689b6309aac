"""The API answers as its OpenAPI document says, whatever it is sent.

schemathesis reads /api/openapi.json and generates requests from it: values the document allows,
values at and beyond every documented limit, and values it forbids. The real application answers
them (in this process, through its WSGI handler) from the test database and the live Elasticsearch
node. Each answer must be a documented status with the documented body, never a 5xx, and every
request the document forbids must be refused with a 4xx.

Not checked: that every request the document allows is accepted. Three rules cannot be written as
a JSON Schema, so their descriptions state them and the API refuses with a 400 and a message: an
`after` cursor must be one the API issued, pages beyond result 10,000 need `after`, and an export
holds at most SEARCH_EXPORT_LIMIT rows.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.api import api
from portal.wsgi import application
from tests.factories import CreditEventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# The document /api/openapi.json serves, built without a request: collection has no database.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix=reverse("api:api-root")))
schema.app = application


@pytest.fixture
def requests_keep_the_connection():
    """The WSGI handler closes the database connection after each request; the test's
    transaction lives on it. Django's test client stops that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def organisations(index_now):
    """Something to find, so that answers carry results, facets and cursors."""
    organisations = OrganisationFactory.create_batch(12)
    for organisation in organisations[:4]:
        CreditEventFactory(organisation=organisation)
    index_now(*organisations)
    return organisations


def test_the_document_is_the_one_served(client):
    served = client.get("/api/openapi.json").json()
    assert served["paths"] == schema.raw_schema["paths"]


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_documented(case, organisations, requests_keep_the_connection):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
