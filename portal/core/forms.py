"""Form fields shared by the apps."""

from django import forms


class SharedChoicesMixin:
    """A choice field whose choices every form instance shares instead of deep-copying.

    Django deep-copies each field for each form instance, and a ChoiceField deep-copies its
    choices with it: for the public search (its filters) and the complaint form that was a
    quarter of the CPU a request spends in Django. The choices are never changed in place here
    (a form that needs others assigns a new list, which replaces the shared one for that
    instance only), so sharing them is safe.
    """

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class ChoiceField(SharedChoicesMixin, forms.ChoiceField):
    pass


class TypedChoiceField(SharedChoicesMixin, forms.TypedChoiceField):
    pass
