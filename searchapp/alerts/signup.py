"""What the sign-up, confirmation and unsubscribe links do, for the web app.

A sign-up answers the same whether the address is new, waiting or already subscribed:
the mail that follows (a confirmation link, or a note that the address follows the
search already) goes to the address only, and is sent in the background so that not
even the time taken tells them apart. An address gets at most [alerts] address_limit
sign-up mails a day; past it, sign-ups are answered the same and send nothing.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from ..config import Config
from ..query import BadRequest
from . import database_path
from .digest import note_items
from .mail import Mail, Mailer, MailError, confirmation_mail, reminder_mail
from .queries import describe
from .store import AlertStore, Subscription, now_utc
from .tokens import links_for, signer_for

log = logging.getLogger("searchapp.alerts")

MAX_EMAIL_LENGTH = 254
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")

# One thread a process sends sign-up mails, in order.
_outbox: ThreadPoolExecutor | None = None


def normalize_email(value: str | None) -> str:
    """The address as stored (lower case, trimmed); raises query.BadRequest."""
    email = (value or "").strip().lower()
    if not email:
        raise BadRequest("missing_parameter", "'email' is required: the address to send to",
                         "email")
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        raise BadRequest(
            "invalid_parameter", "'email' must be an e-mail address like navn@example.dk", "email"
        )
    return email


def _send_later(config: Config, mail: Mail) -> None:
    global _outbox
    if _outbox is None:
        _outbox = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alerts-mail")
    _outbox.submit(_send_now, config, mail)


def _send_now(config: Config, mail: Mail) -> None:
    try:
        with Mailer(config.smtp) as mailer:
            mailer.send(mail)
    except MailError as exc:
        log.warning("alerts: sign-up mail not sent: %s", exc)
    except Exception:  # a thread's exception is otherwise lost
        log.exception("alerts: sign-up mail not sent")
        raise


def sign_up(config: Config, email: str, query: str, now: datetime | None = None) -> None:
    """Make (or find) the subscription and mail the address about it, within its limit."""
    now = now or now_utc()
    with AlertStore(database_path(config)) as store:
        store.purge(now, config.alerts.unconfirmed_days)
        subscription = store.add(email, query, now)
        if store.mails_today(email, now) >= config.alerts.address_limit:
            log.info("alerts: sign-up of subscription %d: the address had its %d mails today",
                     subscription.id, config.alerts.address_limit)  # fmt: skip
            return
        store.note_mail(email, now)
    links = links_for(config)
    description = describe(query)
    unsubscribe = links.unsubscribe(subscription.id)
    if subscription.confirmed:
        mail = reminder_mail(email, description, unsubscribe, links.search(query))
    else:
        mail = confirmation_mail(email, description, links.confirm(subscription.id),
                                 unsubscribe, links.search(query),
                                 config.alerts.unconfirmed_days)  # fmt: skip
    _send_later(config, mail)


def confirm(config: Config, token: str, now: datetime | None = None) -> Subscription | None:
    """Confirm the sign-up a link is for; None for a forged, expired or deleted one.
    The index's items at this moment are not news to it."""
    subscription_id = signer_for(config).confirmed_id(token)
    if subscription_id is None:
        return None
    now = now or now_utc()
    with AlertStore(database_path(config)) as store:
        if store.get(subscription_id) is None:
            return None
        note_items(config, store, now)
        return store.confirm(subscription_id, now)


def pending(config: Config, token: str) -> Subscription | None:
    """The subscription a confirmation link is for, unchanged (the page before the click)."""
    subscription_id = signer_for(config).confirmed_id(token)
    if subscription_id is None:
        return None
    with AlertStore(database_path(config)) as store:
        return store.get(subscription_id)


def unsubscribe(config: Config, token: str) -> bool:
    """End the subscription an unsubscribe link is for; False for a forged link. A link
    used twice is still a success: the subscription is gone either way."""
    subscription_id = signer_for(config).unsubscribe_id(token)
    if subscription_id is None:
        return False
    with AlertStore(database_path(config)) as store:
        store.remove(subscription_id)
    return True


def flush(timeout: float = 30) -> None:
    """Wait for the sign-up mails queued so far (tests; a process about to exit)."""
    if _outbox is not None:
        _outbox.submit(lambda: None).result(timeout)
