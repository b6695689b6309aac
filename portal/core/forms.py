"""The base of the public forms: Django's Form, with its fields copied cheaply per instance.

Django deep-copies every field of a form for every form instance, so that an instance may change
its fields (choices, labels, widget attributes) without touching the class's. Through Python's
`copy` machinery that costs 18 µs for a text field and up to 90 µs for a select: for the
complaint form, the form of every submission, 0.6 ms of each request. A `Form` here copies each
field and its widget by their attributes, with their own attribute dict, error messages and
validators (what an instance may change in place), and a ModelChoiceField's queryset, cloned as
Django clones it (a query is compiled in place: threads must not share one); it shares the rest,
the choices above all (an instance that needs others assigns a new list, which replaces them
for that instance only). A field with a MultiWidget or a MultiValueField holds other fields or
widgets, and is deep-copied as Django does.
"""

import copy

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass
from django.utils.translation import gettext_noop

# Django's Chinese for its check on NUL characters reads "empty strings are not allowed", which
# misleads anyone whose text is not empty. Marked here so that our catalogue, which comes first
# (LOCALE_PATHS), keeps its correction through `makemessages`.
gettext_noop("Null characters are not allowed.")


def _attributes_copy(obj):
    duplicate = object.__new__(type(obj))
    duplicate.__dict__.update(obj.__dict__)
    return duplicate


def field_copy(field: forms.Field, memo: dict) -> forms.Field:
    """What Django's `copy.deepcopy(field)` gives a form instance, made by attributes."""
    if isinstance(field, forms.MultiValueField) or isinstance(field.widget, forms.MultiWidget):
        return copy.deepcopy(field, memo)
    duplicate = _attributes_copy(field)
    duplicate.widget = _attributes_copy(field.widget)
    duplicate.widget.attrs = field.widget.attrs.copy()
    duplicate.error_messages = field.error_messages.copy()
    duplicate.validators = field.validators[:]
    if isinstance(field, forms.ModelChoiceField):
        # A queryset of its own (the setter clones it): a query is compiled in place, so two
        # threads must never share one; and widget choices that iterate this copy, with its
        # own labels.
        duplicate.queryset = field.queryset
    return duplicate


class _Fields(dict):
    """A form class's fields, which `BaseForm.__init__` deep-copies: by attributes."""

    def __deepcopy__(self, memo):
        return {name: field_copy(field, memo) for name, field in self.items()}


class _FormMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _Fields(new_class.base_fields)
        return new_class


class Form(forms.Form, metaclass=_FormMetaclass):
    """Django's Form, with the fields of each instance copied by attributes (see above)."""
