"""Choice fields that share their choices between form instances (portal.core.forms)."""

from django import forms

from portal.core.forms import ChoiceField, TypedChoiceField


class Example(forms.Form):
    colour = ChoiceField(choices=[("red", "Red"), ("blue", "Blue")])
    size = TypedChoiceField(choices=[(1, "1"), (2, "2")], coerce=int)


def test_instances_share_the_choices_and_validate_as_django_does():
    first, second = Example({"colour": "red", "size": "2"}), Example({"colour": "green"})
    assert first.fields["colour"].choices is second.fields["colour"].choices
    assert first.fields["colour"] is not second.fields["colour"]
    assert first.is_valid() and first.cleaned_data == {"colour": "red", "size": 2}
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
