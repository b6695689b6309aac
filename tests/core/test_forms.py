"""portal.core.forms.Form copies its fields per instance by attributes: each instance may change
its fields as with Django's deep copy, and the others do not see it."""

import pytest
from django import forms
from django.core.validators import MinLengthValidator

from portal.core.forms import Form
from portal.core.models import Region


class Example(Form):
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")])
    size = forms.TypedChoiceField(choices=[(1, "1"), (2, "2")], coerce=int)
    name = forms.CharField(max_length=10, required=False)
    when = forms.SplitDateTimeField(required=False)


def test_instances_share_the_choices_and_validate_as_django_does():
    first, second = Example({"colour": "red", "size": "2"}), Example({"colour": "green"})
    assert first.fields["colour"].choices is second.fields["colour"].choices
    assert first.fields["colour"] is not second.fields["colour"]
    assert first.fields["colour"].widget is not second.fields["colour"].widget
    assert first.is_valid()
    assert first.cleaned_data == {"colour": "red", "size": 2, "name": "", "when": None}
    assert not second.is_valid()
    assert second.errors["colour"][0] == first.fields["colour"].error_messages["invalid_choice"] % {
        "value": "green"
    }


def test_choices_assigned_to_one_instance_leave_the_others_alone():
    changed, other = Example(), Example()
    changed.fields["colour"].choices = [("green", "Green")]
    assert [value for value, _ in changed.fields["colour"].choices] == ["green"]
    assert [value for value, _ in other.fields["colour"].choices] == ["red", "blue"]
    assert [value for value, _ in Example().fields["colour"].widget.choices] == ["red", "blue"]
    assert 'value="green"' in str(changed["colour"])
    assert 'value="green"' not in str(other["colour"])


def test_what_an_instance_changes_in_place_stays_its_own():
    changed, other = Example(), Example()
    changed.fields["name"].widget.attrs["autocomplete"] = "name"
    changed.fields["name"].error_messages["required"] = "Changed"
    changed.fields["name"].validators.append(MinLengthValidator(5))
    changed.fields["name"].label = "Changed"

    assert other.fields["name"].widget.attrs == Example.base_fields["name"].widget.attrs
    assert "autocomplete" not in str(other["name"])
    assert other.fields["name"].error_messages["required"] != "Changed"
    assert other.fields["name"].label is None
    assert len(other.fields["name"].validators) == len(Example.base_fields["name"].validators)
    assert not Example({"colour": "red", "size": "1", "name": "ab"}).errors
    bound = Example({"colour": "red", "size": "1", "name": "ab"})
    bound.fields["name"].validators.append(MinLengthValidator(5))
    assert "name" in bound.errors


def test_fields_made_of_fields_are_deep_copied():
    first, second = Example(), Example()
    assert first.fields["when"].fields[0] is not second.fields["when"].fields[0]
    assert first.fields["when"].widget.widgets[0] is not second.fields["when"].widget.widgets[0]
    valid = Example({"colour": "red", "size": "1", "when_0": "2026-11-29", "when_1": "10:30"})
    assert valid.is_valid(), valid.errors
    assert valid.cleaned_data["when"].hour == 10


@pytest.mark.django_db
def test_a_model_choice_field_lists_with_the_labels_of_its_own_instance():
    class Regions(Form):
        region = forms.ModelChoiceField(queryset=Region.objects.filter(code="440300"))

    labelled, plain = Regions(), Regions()
    # Each its own queryset: compiling one in two threads at once breaks its SQL.
    assert labelled.fields["region"].queryset is not plain.fields["region"].queryset
    assert labelled.fields["region"].queryset.query is not plain.fields["region"].queryset.query
    labelled.fields["region"].label_from_instance = lambda region: f"City {region.code}"

    assert "City 440300" in str(labelled["region"])
    assert "City 440300" not in str(plain["region"])
    assert Regions({"region": Region.objects.get(code="440300").pk}).is_valid()
