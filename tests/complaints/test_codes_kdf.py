"""The access code's key derivation: cheap enough for intake, parameters kept in each hash, so
hashes made with earlier parameters still verify, and a stored value cannot ask for more work
than the ceiling."""

import base64
import hashlib

from complaints import codes


def _hash_with(code: str, *, n: int, r: int = 8, p: int = 1) -> str:
    """A hash in the stored format, made with the given parameters (as an earlier release did)."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(
        code.replace("-", "").encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**27
    )
    return (
        f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    )


def test_new_hashes_carry_their_parameters():
    stored = codes.access_code_hash(codes.access_code_generate())
    algorithm, n, r, p, _salt, _digest = stored.split("$")
    assert (algorithm, int(n), int(r), int(p)) == ("scrypt", 2**8, 8, 1)


def test_hashes_made_with_the_former_parameters_still_verify():
    code = codes.access_code_generate()
    for former in (_hash_with(code, n=2**13), _hash_with(code, n=2**10)):
        assert codes.access_code_check(code, former)
        assert codes.access_code_check(code.lower(), former)
        assert not codes.access_code_check(codes.access_code_generate(), former)


def test_a_stored_hash_cannot_ask_for_more_work_than_the_ceiling():
    code = codes.access_code_generate()
    assert not codes.access_code_check(code, _hash_with(code, n=2**15))
    assert not codes.access_code_check(code, _hash_with(code, n=2**10, r=80))
    assert not codes.access_code_check(code, "bcrypt$1024$8$1$c2FsdA==$ZGlnZXN0")
    assert not codes.access_code_check(code, "scrypt$not-a-number$8$1$c2FsdA==$ZGlnZXN0")
