"""The search benchmark's measurement of Elasticsearch alone, against the live node."""

import pytest

from search import benchmark
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_api_searches_go_straight_to_the_node_and_their_round_trip_is_timed(index_now):
    organisation = OrganisationFactory()
    index_now(organisation)
    probes = [
        benchmark.Probe("USCC as typed", {"q": organisation.uscc.lower()}),
        benchmark.Probe("faceted browse", {"province": "440000", "facets": "true"}),
    ]

    samples = benchmark.run_direct(probes)

    assert [sample.category for sample in samples] == ["USCC as typed", "faceted browse"]
    # `took` is the node's own time, in whole milliseconds: never more than the round trip.
    assert all(0 <= sample.took_ms <= sample.total_ms for sample in samples)


def test_parameters_the_api_would_refuse_stop_the_measurement(search_index):
    with pytest.raises(RuntimeError, match="page"):
        benchmark.run_direct([benchmark.Probe("deep page", {"page": "abc"})])
