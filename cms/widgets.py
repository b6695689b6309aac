"""Admin widgets for the page editor."""

from django import forms

from portal.records.selectors import organisation_get_by_uscc, organisations_by_ids


class OrganisationByUSCCInput(forms.TextInput):
    """A foreign key to an organisation, typed as its unified social credit code.

    A select of every organisation would be far too long, and editors have the code in front of
    them (it is on every decision). The form field still receives a primary key: an unknown code
    goes through unchanged and fails the field's validation ("select a valid choice").
    """

    # 18 characters, and room for the spaces or dashes people type between groups (the code is
    # compacted on the server, as everywhere else), e.g. "9144 0300 MA5F 1234 5X" or with "-".
    max_length = 32

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "maxlength": self.max_length,
                "autocomplete": "off",
                "spellcheck": "false",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if value in (None, ""):
            return None
        text = str(value)
        if len(text) < 18 and text.isdigit():
            organisation = organisations_by_ids([int(text)]).first()
            if organisation is not None:
                return organisation.uscc
        return text

    def value_from_datadict(self, data, files, name):
        raw = (data.get(name) or "").strip()
        if not raw:
            return ""
        organisation = organisation_get_by_uscc(raw)
        return organisation.pk if organisation is not None else raw
