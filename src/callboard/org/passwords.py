"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from callboard.core.errors import InvalidInput

_HASHER = PasswordHasher()
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_strength(password: str, *, allow_short: bool = False) -> None:
    """New passwords: at least 8 characters (the demo's documented 'demo' passwords are seeded directly)."""
    if not allow_short and len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password is too short ({len(password)} characters)",
                           hint=f"use at least {MIN_LENGTH} characters")
