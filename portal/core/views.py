"""Public pages of the authorities: the index with its region browser, and one authority."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from portal.core import selectors
from portal.core.models import Authority, Region
from portal.core.templatetags.bilingual import is_english


class AuthorityBrowseForm(forms.Form):
    """The region browser's filter: a province by its region code."""

    province = forms.RegexField(
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("A province is chosen by its six-digit region code.")},
    )

    def clean_province(self) -> str:
        code = self.cleaned_data["province"]
        if (
            code
            and not selectors.authorities_public()
            .filter(level=Authority.Level.PROVINCIAL, region_id=code)
            .exists()
        ):
            raise forms.ValidationError(_("There is no provincial authority for this code."))
        return code


def authority_index(request: HttpRequest) -> HttpResponse:
    form = AuthorityBrowseForm(request.GET or None)
    provinces = selectors.provinces_with_authorities()
    context = {
        "form": form,
        "national": selectors.national_authority(),
        "provinces": provinces,
        "selected": None,
    }
    if request.GET and not form.is_valid():
        return render(request, "authorities/authority_index.html", context, status=400)
    code = form.cleaned_data.get("province") if request.GET else ""
    if code:
        context["selected"] = next(p for p in provinces if p.region_id == code)
    return render(request, "authorities/authority_index.html", context)


# Free texts of the authority itself and of its lists whose English may be missing.
_TRANSLATED = {
    "authority": ("name", "address", "opening_hours", "organisation"),
    "powers": ("item", "legal_basis"),
    "departments": ("name", "duties"),
    "rules": ("title",),
    "phones": ("label",),
    "addresses": ("label", "address"),
    "exclusions": ("matter", "refer_to"),
}


def _lacks_english(authority: Authority) -> bool:
    def missing(obj, fields) -> bool:
        return any(getattr(obj, name) and not getattr(obj, f"{name}_en") for name in fields)

    if missing(authority, _TRANSLATED["authority"]):
        return True
    return any(
        missing(item, fields)
        for relation, fields in _TRANSLATED.items()
        if relation != "authority"
        for item in getattr(authority, relation).all()
    )


def authority_detail(request: HttpRequest, key: str) -> HttpResponse:
    authority = selectors.authority_public_get(key)
    if authority is None:
        # A county (or any place without an authority of its own) leads to the one responsible.
        if key != "national" and Region.objects.filter(code=key).exists():
            responsible = selectors.authority_for_region(key)
            if responsible is not None:
                return redirect(responsible)
        raise Http404("no such authority")
    context = {
        "authority": authority,
        "responsible_authority": authority,
        "children": list(authority.children.all()),
        "jurisdiction": [authority.region, *authority.additional_regions.all()]
        if authority.region
        else list(authority.additional_regions.all()),
        "english_incomplete": is_english() and _lacks_english(authority),
    }
    return render(request, "authorities/authority_detail.html", context)
