"""Signed links: a confirmation link (valid while the sign-up is kept) and an
unsubscribe link (valid as long as the subscription) carry the subscription's id,
signed with the alerts secret so nobody can confirm or cancel someone else's.

The secret comes from the environment variable [alerts] secret_env names, else from
a file beside the index, made once with 256 random bits and readable by its owner only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..config import Config, beside_index

CONFIRM = "alerts-confirm"
UNSUBSCRIBE = "alerts-unsubscribe"


def secret_of(config: Config) -> str:
    """The signing secret: from the environment, else the secret file (made if missing)."""
    if config.alerts.secret_env and os.environ.get(config.alerts.secret_env):
        return os.environ[config.alerts.secret_env]
    path = Path(config.alerts.secret_file or beside_index(config, "alerts.secret"))
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value + "\n")
    return value


class Signer:
    def __init__(self, secret: str, confirm_days: int):
        self.serializer = URLSafeTimedSerializer(secret)
        self.confirm_seconds = confirm_days * 24 * 3600

    def confirm_token(self, subscription_id: int) -> str:
        return self.serializer.dumps(subscription_id, salt=CONFIRM)

    def unsubscribe_token(self, subscription_id: int) -> str:
        return self.serializer.dumps(subscription_id, salt=UNSUBSCRIBE)

    def _read(self, token: str, salt: str, max_age: int | None) -> int | None:
        try:
            value = self.serializer.loads(token, salt=salt, max_age=max_age)
        except (BadSignature, SignatureExpired):
            return None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def confirmed_id(self, token: str) -> int | None:
        """The subscription a confirmation link is for; None when forged or too old."""
        return self._read(token, CONFIRM, self.confirm_seconds)

    def unsubscribe_id(self, token: str) -> int | None:
        return self._read(token, UNSUBSCRIBE, None)


def signer_for(config: Config) -> Signer:
    return Signer(secret_of(config), config.alerts.unconfirmed_days)


class AlertLinks:
    """The absolute links in mails, on the public base URL (alerts.link_base)."""

    CONFIRM_PATH = "alerts/confirm/"
    UNSUBSCRIBE_PATH = "alerts/unsubscribe/"

    def __init__(self, base: str, signer: Signer):
        self.base, self.signer = base, signer

    def confirm(self, subscription_id: int) -> str:
        return self.base + self.CONFIRM_PATH + self.signer.confirm_token(subscription_id)

    def unsubscribe(self, subscription_id: int) -> str:
        return self.base + self.UNSUBSCRIBE_PATH + self.signer.unsubscribe_token(subscription_id)

    def search(self, query: str) -> str:
        return self.base + ("?" + query if query else "")


def links_for(config: Config) -> AlertLinks:
    from . import link_base

    return AlertLinks(link_base(config), signer_for(config))
