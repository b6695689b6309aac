"""Tracking numbers and access codes.

A tracking number is what people read out on the phone: ``TS-2026-7K3M-Q9XA``. After the year come
seven random characters and one check character, all from Crockford's base 32 alphabet (no I, L,
O or U, so nothing reads as another character). The check character is ISO 7064 MOD 37-2
(python-stdnum), a pure system with a prime modulus, over the year and the random part: it catches
every single mistyped character and every swap of two neighbours (the hybrid MOD 37,36 misses some
swaps). The random part carries 7 × 5 = 35 bits.

The access code is a separate secret: ten random Crockford characters, ``XXXXX-XXXXX``, 50 bits.
The number and the code together carry 85 bits, and a guesser who knows a number still faces
2^50 codes (behind a rate limit). The code is shown once, e-mailed, and stored only as a salted
scrypt hash, compared in constant time.

Why a cheap scrypt is enough. A password hash is slow because people choose passwords from a
small space (20–30 bits); an access code is drawn at random from 2^50 ≈ 1.1 × 10^15, so the work
of an offline guess is mostly the size of that space, not the cost of one guess. With scrypt at
N = 2^8, r = 8, p = 1 (256 KiB of memory; ≈ 0.9 ms on one core of this machine) someone holding a
stolen hash needs on average 2^49 ≈ 5.6 × 10^14 guesses for its one code (each hash has its own
salt, so nothing is shared between complaints):

- CPU: 5.6 × 10^14 × 0.9 ms ≈ 5 × 10^11 core-seconds ≈ 16,000 core-years;
- GPU: scrypt at N = 2^14, r = 8 runs at roughly 7,000 guesses/s on a high-end card; at 2^8
  (64 times less work and memory) about 4 × 10^5/s, so ≈ 1.4 × 10^9 s ≈ 45 GPU-years per code.

And the prize is small: whoever reads the hash has read the complaint row beside it; the code
only lets them act on the tracking page as the complainant. A fast unsalted hash would not do
(SHA-256 at ≈ 10^10/s on one GPU: about 16 hours per code). The former parameters cost intake
dearly for little more safety: N = 2^13 (8 MiB, ≈ 30 ms) capped it near 57 submissions/s on two
cores, and N = 2^10 (≈ 3.4 ms) was still 8% of a submission's CPU time when the rest had been
made cheap. Online guessing is held by the tracking rate limit (COMPLAINT_RATE_TRACK), not by
this cost.

The parameters are stored in each hash (``scrypt$N$r$p$salt$hash``), so hashes made with other
parameters (the former 2^13 and 2^10) still verify; `access_code_check` refuses parameters beyond
`_SCRYPT_MAX_N`, so a forged stored value cannot make a lookup expensive. Such a hash is replaced
by a current one the first time its holder's code checks out (`access_code_hash_outdated`, used by
`complaints.services.complaint_get_for_holder`), so the former parameters fade out as people track.
"""

import base64
import hashlib
import hmac
import re
import secrets

from stdnum.iso7064 import mod_37_2

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "TS"
RANDOM_LENGTH = 7
ACCESS_CODE_LENGTH = 10
TRACKING_NUMBER_BITS = RANDOM_LENGTH * 5  # 35
ACCESS_CODE_BITS = ACCESS_CODE_LENGTH * 5  # 50

# Crockford: read I and L as 1, O as 0; ignore case, hyphens and spaces.
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_TRACKING_SHAPE = re.compile(rf"{PREFIX}(\d{{4}})([{CROCKFORD}]{{{RANDOM_LENGTH + 1}}})")
_CODE_SHAPE = re.compile(rf"[{CROCKFORD}]{{{ACCESS_CODE_LENGTH}}}")

# scrypt with 256 KiB of memory (≈ 0.9 ms here): see the module's docstring for why that is safe
# for a random 50-bit code.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**8, 8, 1
# The most a stored hash may ask for when it is checked (the former 2^13 and 2^10 included).
_SCRYPT_MAX_N = 2**14


def _random(length: int) -> str:
    # One draw from the system's generator for the whole string (not one per character): each
    # character is 5 of its bits, and 32 = 2^5, so every character is uniform.
    bits = secrets.randbits(5 * length)
    return "".join(CROCKFORD[(bits >> (5 * place)) & 31] for place in range(length))


def _compact(value: str) -> str:
    return re.sub(r"[\s\-‐-―_]", "", value or "").upper().translate(_ALIASES)


def tracking_number_generate(year: int) -> str:
    """A new random tracking number for `year`, e.g. ``TS-2026-7K3M-Q9XA``.

    The random part is drawn again when the check character falls outside Crockford's alphabet
    (I, L, O, U or * of the 37 MOD 37-2 symbols: 5 times in 37), so the number has only
    unambiguous characters; that costs log2(37/32) ≈ 0.2 of the 35 bits."""
    while True:
        body = f"{year:04d}{_random(RANDOM_LENGTH)}"
        check = mod_37_2.calc_check_digit(body)
        if check in CROCKFORD:
            break
    random_part = body[4:] + check
    return f"{PREFIX}-{year:04d}-{random_part[:4]}-{random_part[4:]}"


def tracking_number_normalise(value: str) -> str | None:
    """The canonical form of a typed tracking number (case, spaces, hyphens and Crockford's
    look-alikes forgiven), or None when it is malformed or its check character is wrong."""
    compact = _compact(value)
    match = _TRACKING_SHAPE.fullmatch(compact)
    if match is None:
        return None
    year, random_part = match.groups()
    if not mod_37_2.is_valid(year + random_part):
        return None
    return f"{PREFIX}-{year}-{random_part[:4]}-{random_part[4:]}"


def access_code_generate() -> str:
    """A new access code, e.g. ``4T7QZ-MX2PA`` (50 bits)."""
    code = _random(ACCESS_CODE_LENGTH)
    return f"{code[:5]}-{code[5:]}"


def access_code_normalise(value: str) -> str | None:
    """The canonical compact form of a typed access code, or None when it is malformed."""
    compact = _compact(value)
    return compact if _CODE_SHAPE.fullmatch(compact) else None


def access_code_hash(code: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` of the code's compact form."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        _compact(code).encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    encoded_salt = base64.b64encode(salt).decode()
    encoded_digest = base64.b64encode(digest).decode()
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${encoded_salt}${encoded_digest}"


# A hash of a code nobody holds, checked when a tracking number does not exist, so an unknown
# number costs the same time as a wrong code.
_DUMMY_HASH = access_code_hash(access_code_generate())


def access_code_hash_outdated(stored_hash: str) -> bool:
    """Whether `stored_hash` was made with other parameters than the current ones (a former
    N = 2^13 or 2^10), so it should be replaced once the code has been checked against it."""
    try:
        algorithm, n, r, p, _salt, _digest = stored_hash.split("$")
        return (algorithm, int(n), int(r), int(p)) != ("scrypt", _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    except ValueError:
        return True


def access_code_check(code: str, stored_hash: str | None) -> bool:
    """Whether `code` matches `stored_hash`, in constant time. With `stored_hash` None (no such
    complaint) a dummy hash is computed all the same, and the answer is False."""
    try:
        algorithm, n, r, p, salt, digest = (stored_hash or _DUMMY_HASH).split("$")
        if algorithm != "scrypt" or not 1 < int(n) <= _SCRYPT_MAX_N or int(r) * int(p) > 64:
            return False
        computed = hashlib.scrypt(
            _compact(code).encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except ValueError:
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest)) and stored_hash is not None
