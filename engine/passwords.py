"""Passwords: the policy of Peraturan BSSN 4/2021, Argon2id hashing and generated passwords.

Nothing here touches the database or logs anything: a password or a hash never reaches a log.
"""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
# Argon2 pre-hashes its input, so length costs little; the cap only refuses absurd request bodies.
MAX_LENGTH = 256

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile (t=3, m=64 MiB, p=4).
# Raising them later is safe: check_needs_rehash upgrades each hash at its owner's next login.
_hasher = PasswordHasher()

# Verified against when the username is unknown, so an unknown user costs the same time as a
# wrong password and response times do not reveal which usernames exist. Made on first use.
_dummy_hash: str | None = None


def password_problems(password: str, *, username: str = "") -> list[str]:
    """Every way the password misses the policy, in Indonesian; empty when it passes."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Minimal {MIN_LENGTH} karakter.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Paling banyak {MAX_LENGTH} karakter.")
    if not any(ch.isupper() for ch in password):
        problems.append("Harus memuat huruf besar.")
    if not any(ch.islower() for ch in password):
        problems.append("Harus memuat huruf kecil.")
    if not any(ch.isdigit() for ch in password):
        problems.append("Harus memuat angka.")
    if not any(not ch.isalnum() and not ch.isspace() for ch in password):
        problems.append("Harus memuat simbol (misalnya ! @ # - _).")
    name = username.strip().lower()
    if name and name in password.lower():
        problems.append("Tidak boleh memuat nama pengguna.")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def spend_verification(password: str) -> None:
    """One verification's worth of work with no account behind it (see _dummy_hash)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    verify_password(_dummy_hash, password)


# No 0/O, 1/l/I: generated passwords are read off a terminal and typed by hand.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
_ALPHABET = _UPPER + _LOWER + _DIGITS


def generate_password(*, username: str = "") -> str:
    """Four groups of four, e.g. Kx7m-Qp2r-9Tzb-Ha4e: about 93 bits, and the hyphens are the symbol.

    Drawn again until it has every class (a draw lacks a digit about 1 time in 12)."""
    while True:
        password = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        if not password_problems(password, username=username):
            return password
