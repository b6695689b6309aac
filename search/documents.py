"""What the public index holds about an organisation, and how a database row becomes a document.

Only public data goes in: what the organisation's public page shows. Never personal data.
"""

import hashlib
import json
from typing import Any

from elasticsearch_dsl import (
    Completion,
    Date,
    Document,
    Integer,
    Keyword,
    MetaField,
    Object,
    Text,
    analyzer,
    token_filter,
)

from portal.core.models import Region
from portal.records.models import CreditEvent, Organisation
from search.normalise import normalise_text
from search.pinyin import initials_of, syllables

# Pairs of neighbouring tokens: with one token per Han character these are the character bigrams
# that rank "星河" above names that merely contain 星 and 河. Built only from the standard tokenizer
# and the shingle filter, which even the minimal distribution (no analysis-common) provides.
han_bigrams = analyzer(
    "han_bigrams",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter(
            "bigram_shingles",
            "shingle",
            min_shingle_size=2,
            max_shingle_size=2,
            output_unigrams=False,
        ),
    ],
)


class OrganisationDocument(Document):
    """One document per organisation; `_id` is the USCC."""

    class Meta:
        # A field the mapping does not declare is an error, not a silently guessed type.
        dynamic = MetaField("strict")

    uscc = Keyword()
    # Facets: their global ordinals are built at refresh, not by the first search after it.
    kind = Keyword(eager_global_ordinals=True)
    # The standard tokenizer makes one token per Han character, which works on every cluster.
    # Text is normalised in Python before it gets here (see search.normalise).
    name = Text(
        analyzer="standard",
        fields={"raw": Keyword(), "bigrams": Text(analyzer=han_bigrams)},
    )
    name_en = Text(analyzer="standard")
    # "bei jing xing chen ke ji …" and "b j x c k j …": one token per character, so the same
    # bigram shingles that rank Han text rank typed pinyin and initials.
    name_pinyin = Text(analyzer="standard", fields={"bigrams": Text(analyzer=han_bigrams)})
    name_initials = Text(analyzer="standard", fields={"bigrams": Text(analyzer=han_bigrams)})
    # Completion as you type, on the name, its pinyin and its initials.
    suggest = Completion(analyzer="simple")
    # Names it was registered under before: found by search, shown as "formerly".
    former_names = Text(analyzer="standard", fields={"bigrams": Text(analyzer=han_bigrams)})
    display_former_names = Keyword(index=False)
    display_name = Keyword(index=False)
    display_name_en = Keyword(index=False)
    region_code = Keyword()
    prefecture_code = Keyword(eager_global_ordinals=True)
    province_code = Keyword(eager_global_ordinals=True)
    region_names = Text(analyzer="standard")
    region_display = Keyword(index=False)
    industry = Keyword()
    registration_status = Keyword()
    foreign_staff_count = Integer()
    updated_at = Date()
    # The public credit record, as of the day the document was built (the nightly rating refresh
    # re-saves organisations whose events entered or left the public window).
    credit_rating = Keyword(eager_global_ordinals=True)
    event_kinds = Keyword(eager_global_ordinals=True)
    event_counts = Object(properties={kind: Integer() for kind in CreditEvent.Kind.values})
    event_dates = Date()
    latest_event_on = Date()
    latest_penalty_on = Date()
    # What the result list shows of each event; stored, not searched.
    events = Object(enabled=False)


def region_chain(organisation: Organisation) -> list[Region]:
    """The organisation's region and its ancestors, province first (for pages: a few queries)."""
    chain = []
    region = organisation.region
    while region is not None:
        chain.append(region)
        region = region.parent
    return list(reversed(chain))


class RegionTable:
    """All regions in memory (a few thousand rows), so documents need no join per organisation."""

    def __init__(self) -> None:
        self._rows = {
            code: (name, level, parent)
            for code, name, level, parent in Region.objects.values_list(
                "code", "name", "level", "parent_id"
            )
        }
        self._chains: dict[str, list[tuple[str, str, int]]] = {}

    def chain(self, code: str) -> list[tuple[str, str, int]]:
        """(code, name, level) of the region and its ancestors, province first."""
        if code not in self._chains:
            chain = []
            current: str | None = code
            while current is not None and current in self._rows:
                name, level, parent = self._rows[current]
                chain.append((current, name, level))
                current = parent
            self._chains[code] = list(reversed(chain))
        return self._chains[code]


def _event_summary(event: CreditEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "title": event.title,
        "decision_number": event.decision_number,
        "authority": event.authority.name if event.authority else "",
        "published_on": event.published_on,
        "public_until": event.public_until,
    }


# The columns `organisation_document` reads: a rebuild loads only these. Reading the others too
# (three timestamps among them) cost 10 µs more a row, about a tenth of a rebuild's Python time.
DOCUMENT_FIELDS = (
    "uscc",
    "kind",
    "name",
    "name_en",
    "region",
    "industry",
    "registration_status",
    "foreign_staff_count",
    "updated_at",
    "credit_rating",
)


def organisation_document(
    organisation: Organisation,
    regions: RegionTable,
    events: list[CreditEvent] = (),
    former_names: list[str] = (),
) -> dict[str, Any]:
    """The index source for one organisation and its public events (newest first)."""
    chain = regions.chain(organisation.region_id)
    codes = {level: code for code, _, level in chain}
    name = normalise_text(organisation.name)
    name_syllables = syllables(name)
    name_initials = initials_of(name_syllables)
    return {
        "uscc": organisation.uscc,
        "kind": organisation.kind,
        "name": name,
        "name_en": normalise_text(organisation.name_en),
        "name_pinyin": " ".join(name_syllables),
        "name_initials": " ".join(name_initials),
        "suggest": {
            "input": [
                value for value in (name, "".join(name_syllables), "".join(name_initials)) if value
            ]
        },
        "former_names": [normalise_text(former) for former in former_names],
        "display_former_names": list(former_names),
        "display_name": organisation.name,
        "display_name_en": organisation.name_en,
        "region_code": organisation.region_id,
        "prefecture_code": codes.get(Region.Level.PREFECTURE),
        "province_code": codes.get(Region.Level.PROVINCE),
        "region_names": " ".join(name for _, name, _ in chain),
        "region_display": "".join(name for _, name, _ in chain),
        "industry": organisation.industry,
        "registration_status": organisation.registration_status,
        "foreign_staff_count": organisation.foreign_staff_count,
        "updated_at": organisation.updated_at,
        "credit_rating": organisation.credit_rating,
        **_event_fields(events),
    }


def _event_fields(events: list[CreditEvent]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for event in events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
    penalties = [
        event.decided_on or event.published_on
        for event in events
        if event.kind == CreditEvent.Kind.PENALTY
    ]
    dates = [event.published_on for event in events if event.published_on]
    return {
        "event_kinds": sorted(counts),
        "event_counts": counts,
        "event_dates": dates,
        "latest_event_on": max(dates, default=None),
        "latest_penalty_on": max(penalties, default=None),
        "events": [_event_summary(event) for event in events],
    }


def schema_version() -> str:
    """A fingerprint of the mapping and analysis. Stored in each index's `_meta`, so
    `search_index ensure` can tell an index built by older code and rebuild it."""
    index = OrganisationDocument._index.clone("schema")
    definition = json.dumps(index.to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(definition.encode()).hexdigest()[:16]
