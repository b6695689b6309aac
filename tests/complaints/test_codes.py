"""Tracking numbers people can read out, with a check character; access codes stored as hashes."""

import math
import re

import pytest

from complaints import codes


@pytest.fixture(scope="module")
def numbers() -> list[str]:
    return [codes.tracking_number_generate(2026) for _ in range(200)]


def test_tracking_numbers_are_readable_and_valid(numbers):
    for number in numbers:
        assert re.fullmatch(r"TS-2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", number)
        assert codes.tracking_number_normalise(number) == number
    assert len(set(numbers)) == len(numbers)


def test_typing_is_forgiven_case_spaces_and_look_alikes(numbers):
    number = next(n for n in numbers if set(n[8:]) & {"0", "1"})
    typed = number[8:].replace("0", "o").replace("1", "l")
    assert codes.tracking_number_normalise(f"ts 2026 {typed}") == number
    assert codes.tracking_number_normalise(number.lower().replace("-", "")) == number


def test_every_single_character_typo_is_caught(numbers):
    for number in numbers[:40]:
        positions = [i for i, char in enumerate(number) if char not in "TS-"]
        for i in positions:
            for replacement in codes.CROCKFORD:
                if replacement == number[i]:
                    continue
                typo = number[:i] + replacement + number[i + 1 :]
                assert codes.tracking_number_normalise(typo) is None, (number, typo)


def test_every_swap_of_neighbours_is_caught(numbers):
    for number in numbers:
        compact = number.replace("-", "")[2:]  # year + random + check
        for i in range(len(compact) - 1):
            if compact[i] == compact[i + 1]:
                continue
            swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
            assert codes.tracking_number_normalise("TS" + swapped) is None, (number, swapped)


def test_number_and_code_together_carry_at_least_80_bits():
    assert codes.TRACKING_NUMBER_BITS == 35
    assert codes.ACCESS_CODE_BITS == 50
    assert codes.TRACKING_NUMBER_BITS + codes.ACCESS_CODE_BITS >= 80
    # The random parts really are that long, from a 32-symbol alphabet.
    assert math.log2(len(codes.CROCKFORD)) == 5
    number = codes.tracking_number_generate(2026)
    assert len(number.replace("-", "")) - len("TS2026") - 1 == codes.RANDOM_LENGTH
    code = codes.access_code_generate()
    assert len(code.replace("-", "")) == codes.ACCESS_CODE_LENGTH
    assert set(code.replace("-", "")) <= set(codes.CROCKFORD)


def test_the_access_code_is_stored_only_as_a_salted_hash():
    code = codes.access_code_generate()
    first, second = codes.access_code_hash(code), codes.access_code_hash(code)
    assert code.replace("-", "") not in first
    assert first != second  # salted
    assert first.startswith("scrypt$")
    assert codes.access_code_check(code, first)
    assert codes.access_code_check(code.lower().replace("-", " "), second)
    assert not codes.access_code_check(codes.access_code_generate(), first)
    assert not codes.access_code_check(code, None)
    assert not codes.access_code_check(code, "garbage")
    assert codes.access_code_normalise("abcde") is None
