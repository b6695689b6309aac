"""The unified social credit code: validation messages, compaction, letters, building codes."""

import pytest
from stdnum.cn import uscc as stdnum_uscc

from portal.records import uscc


def test_a_real_code_is_valid():
    assert uscc.validate("91110000600037341L") == "91110000600037341L"
    assert uscc.is_valid("9144030071526726XG")


def test_a_wrong_check_character_is_rejected_with_the_reason():
    with pytest.raises(uscc.InvalidUSCC, match=r"check character \(the 18th\) does not match"):
        uscc.validate("91110000600037341M")
    assert not uscc.is_valid("91110000600037341M")


def test_a_code_with_a_letter_first_is_accepted_though_stdnum_rejects_it():
    code = uscc.build(authority="Y", category="1", region="440300", organisation_code8="MA5F3K2L")

    assert code.startswith("Y1440300MA5F3K2L")
    assert uscc.validate(code) == code
    assert not stdnum_uscc.is_valid(code)


def test_a_letter_first_code_with_a_wrong_check_character_is_rejected():
    code = uscc.build(authority="Y", category="1", region="440300", organisation_code8="MA5F3K2L")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")

    with pytest.raises(uscc.InvalidUSCC, match="check character"):
        uscc.validate(wrong)


def test_spaces_dashes_and_lower_case_are_compacted():
    assert uscc.validate(" 9111 0000-6000 3734 1l ") == "91110000600037341L"
    assert uscc.compact("9111-0000 6000-3734-1l") == "91110000600037341L"


def test_a_short_code_gets_the_length_message():
    with pytest.raises(uscc.InvalidUSCC, match="A unified social credit code has 18 characters."):
        uscc.validate("9111000060003734")


def test_letters_outside_the_alphabet_are_rejected():
    with pytest.raises(uscc.InvalidUSCC, match="Only digits and the letters A-Y"):
        uscc.validate("9I110000600037341L")
    with pytest.raises(uscc.InvalidUSCC, match="six-digit region code"):
        uscc.validate("91AB0000600037341L")


def test_the_organisation_code_check_character_of_real_codes():
    assert uscc.organisation_code_check_character("60003734") == "1"
    assert uscc.organisation_code_check_character("71526726") == "X"


@pytest.mark.parametrize(
    ("authority", "category", "organisation_code8"),
    [
        ("9", "1", "60003734"),
        ("9", "2", "MA5F3K2L"),
        ("5", "2", "MJ0A1B2C"),
        ("Y", "1", "12345678"),
    ],
)
def test_built_codes_are_valid_and_embed_the_organisation_code_check(
    authority, category, organisation_code8
):
    code = uscc.build(
        authority=authority,
        category=category,
        region="110108",
        organisation_code8=organisation_code8,
    )

    assert len(code) == 18
    assert uscc.is_valid(code)
    assert code[8:16] == organisation_code8
    assert code[16] == uscc.organisation_code_check_character(organisation_code8)
    assert uscc.region_code(code) == "110108"
