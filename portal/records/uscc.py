"""The unified social credit code (统一社会信用代码, GB 32100-2015).

python-stdnum checks the length and the check character but insists that the first eight
characters are digits, which rejects real codes whose registration-authority character is a letter
(A-Y: for example `Y` for "other" authorities). We accept those and still use stdnum's check
character. Region codes are not checked against today's list: a code keeps the region of its year.
"""

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

# GB 32100 uses the digits and the capitals without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# GB 11714 organisation code: eight characters and a check character.
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class InvalidUSCC(ValueError):
    """Raised with a message that can be shown to the person who typed the code."""


def compact(value: str) -> str:
    """Upper-case, without spaces or dashes: the form we store and index."""
    return stdnum_uscc.compact(value)


def validate(value: str) -> str:
    """Return the compact USCC or raise InvalidUSCC saying what is wrong."""
    code = compact(value)
    try:
        return stdnum_uscc.validate(code)
    except InvalidLength as error:
        raise InvalidUSCC("A unified social credit code has 18 characters.") from error
    except InvalidChecksum as error:
        raise InvalidUSCC("The check character (the 18th) does not match.") from error
    except InvalidFormat:
        pass  # Maybe a letter in the first two places; checked below.
    except ValidationError as error:  # pragma: no cover - stdnum's other errors
        raise InvalidUSCC(str(error)) from error
    if any(char not in ALPHABET for char in code) or not code[2:8].isdigit():
        raise InvalidUSCC(
            "Only digits and the letters A-Y without I, O, S, V and Z can appear, "
            "and characters 3 to 8 are a six-digit region code."
        )
    if code[-1] != stdnum_uscc.calc_check_digit(code[:17]):
        raise InvalidUSCC("The check character (the 18th) does not match.")
    return code


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except InvalidUSCC:
        return False
    return True


def region_code(code: str) -> str:
    """The six-digit GB/T 2260 code of the registering region, as it was when issued."""
    return compact(code)[2:8]


def organisation_code_check_character(first_eight: str) -> str:
    """GB 11714 check character for an organisation code's first eight characters."""
    total = sum(
        (int(char) if char.isdigit() else ord(char) - ord("A") + 10) * weight
        for char, weight in zip(first_eight, _ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def build(*, authority: str, category: str, region: str, organisation_code8: str) -> str:
    """Assemble a valid USCC from its parts (used for demo data and tests)."""
    organisation_code = organisation_code8 + organisation_code_check_character(organisation_code8)
    first17 = authority + category + region + organisation_code
    return first17 + stdnum_uscc.calc_check_digit(first17)
