"""TOTP secrets at rest: sealed with Fernet (cryptography: AES-128-CBC plus HMAC-SHA256, with a
timestamp) so that a copy of the database, or of a session cookie, mints no second-factor codes.

The keys are TOTP_ENCRYPTION_KEYS: Fernet keys separated by commas; the first seals, every one
opens (MultiFernet), so a key is rotated by putting the new one first, running
`flask two-factor rotate-key`, then dropping the old one. Unset, one key is derived from
SECRET_KEY with HKDF (a fixed salt and info naming this use), so a development machine needs
nothing new; production keeps its own keys beside SECRET_KEY in the secrets store."""

import base64
import binascii
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

SETTING = "TOTP_ENCRYPTION_KEYS"
_HKDF_SALT = b"challenge totp-at-rest salt v1"
_HKDF_INFO = b"challenge: Fernet key sealing users.totp_secret, derived from SECRET_KEY"


class SecretUnavailable(Exception):
    """No key opens the stored value (a dropped or wrong key), or the keys are not Fernet keys."""


def derived_key(secret_key: str) -> bytes:
    """The Fernet key derived from SECRET_KEY when TOTP_ENCRYPTION_KEYS is unset."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


def _key_list(setting) -> tuple[str, ...]:
    if isinstance(setting, (list, tuple)):  # instance/config.py may give a list
        return tuple(str(k).strip() for k in setting if str(k).strip())
    return tuple(k.strip() for k in str(setting or "").split(",") if k.strip())


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys] if keys else [Fernet(derived_key(secret_key))])
    except (ValueError, binascii.Error) as exc:
        raise SecretUnavailable(
            f"{SETTING} 中有无效的密钥（每个须为 Fernet 密钥：32 字节的 URL 安全 base64）。"
            f" {SETTING} holds a value that is not a Fernet key: {exc}") from None


def fernet_for(setting, secret_key: str) -> MultiFernet:
    """The MultiFernet for a TOTP_ENCRYPTION_KEYS value (str or list) and a SECRET_KEY."""
    return _fernet(_key_list(setting), secret_key or "")


def _current() -> MultiFernet:
    config = current_app.config
    return fernet_for(config.get(SETTING), config.get("SECRET_KEY"))


def seal(secret: str) -> str:
    return _current().encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    """The plain secret; SecretUnavailable when no key opens it (never the token itself)."""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnavailable("no key in TOTP_ENCRYPTION_KEYS opens this secret") from None


def reseal(token: str) -> str:
    """The same secret sealed with the first key (MultiFernet.rotate); SecretUnavailable if no
    key opens it."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnavailable("no key in TOTP_ENCRYPTION_KEYS opens this secret") from None


def init_app(app: Flask) -> None:
    """Read TOTP_ENCRYPTION_KEYS from the environment (as SECRET_KEY is) unless the app's own
    configuration already names keys, and refuse to start when one is not a Fernet key: a typo
    found at the first admin sign-in would lock every admin out."""
    if os.environ.get(SETTING) and not app.config.get(SETTING):
        app.config[SETTING] = os.environ[SETTING]
    fernet_for(app.config.get(SETTING), app.config.get("SECRET_KEY"))
