"""Editors may type a USCC with the spaces or dashes printed on decisions: the admin's input
lets the whole of it in (its maxlength), and the server compacts it."""

import re

import pytest
from django.contrib.auth import get_user_model

from cms.models import TypicalCasePage
from tests.cms.test_admin import case_form

pytestmark = pytest.mark.django_db


def _typed(uscc: str) -> list[str]:
    """The code as people type it: in groups of four with spaces, with dashes, as printed."""
    groups = [uscc[i : i + 4] for i in range(0, 18, 4)]
    return [
        " ".join(groups),
        "-".join(groups),
        f"{uscc[:2]} - {uscc[2:8]} - {uscc[8:17]} - {uscc[17]}",
        uscc.lower(),
    ]


def test_the_input_takes_a_code_typed_with_spaces_or_dashes(client, case_index, organisation):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    add_url = f"/admin/pages/add/cms/typicalcasepage/{case_index.pk}/"
    page = client.get(add_url).content.decode()
    tag = re.search(r'<input[^>]*name="organisation"[^>]*>', page).group(0)
    maxlength = int(re.search(r'maxlength="(\d+)"', tag).group(1))
    for number, typed in enumerate(_typed(organisation.uscc)):
        assert len(typed) <= maxlength, typed  # the browser keeps every character
        response = client.post(add_url, {**case_form(typed), "slug": f"typed-{number}"})
        assert response.status_code == 302, typed
        assert TypicalCasePage.objects.get(slug=f"typed-{number}").organisation == organisation
