"""Signed, expiring links for e-mail confirmation and password reset (itsdangerous).

A reset token carries a digest of the account's password hash: the reset changes the hash, so
the link works once; an older link dies as soon as the password changes by any route."""

import hashlib

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from ..extensions import db
from ..models import User

CONFIRM = "confirm-email"
RESET = "reset-password"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _password_digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def confirm_token(user: User) -> str:
    return _serializer(CONFIRM).dumps({"uid": user.id, "email": user.email})


def reset_token(user: User) -> str:
    return _serializer(RESET).dumps({"uid": user.id, "pw": _password_digest(user)})


def _load(purpose: str, token: str, max_age: int) -> dict | None:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except BadData:  # bad signature, expired, undecodable
        return None
    return data if isinstance(data, dict) and isinstance(data.get("uid"), int) else None


def user_to_confirm(token: str) -> User | None:
    """The account whose current address the link was sent to, while the link is fresh."""
    data = _load(CONFIRM, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = db.session.get(User, data["uid"]) if data else None
    return user if user is not None and user.email == data.get("email") else None


def user_to_reset(token: str) -> User | None:
    """The account the reset link is for, while it is fresh and its password is unchanged."""
    data = _load(RESET, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, data["uid"]) if data else None
    if user is None or not user.active or data.get("pw") != _password_digest(user):
        return None
    return user
