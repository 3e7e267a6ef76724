"""The alert pages and their JSON twins: sign up for a search or a case, confirm,
unsubscribe. Thin over searchapp.alerts.signup, which does the work.

Sign-ups are limited per client ([alerts] signup_limit, Flask-Limiter) and per address
(signup.py); the answer never says whether the address was already subscribed. The
confirm and unsubscribe links show a page with one button and act on POST, so a mail
scanner that opens links confirms or cancels nothing; a mail program's own
unsubscribe button posts `List-Unsubscribe=One-Click` to the same address (RFC 8058).
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, render_template, request, url_for

from ..alerts import off_reason, signup
from ..alerts.queries import canonical, describe, pairs_of
from ..alerts.tokens import signer_for
from ..config import Config
from ..query import BadRequest
from .errors import error_response

pages = Blueprint("alerts", __name__)
api = Blueprint("alerts_api", __name__)
# The sign-ups (page and JSON) share one budget per client: [alerts] signup_limit.
signups = Blueprint("alerts_signup", __name__)

CHECK_MAIL = ("If the address can take mail, a message is on its way to it: a link to "
              "confirm, or a note if it already gets these alerts.")  # fmt: skip


def _config() -> Config:
    return current_app.config["SEARCHAPP"]


def _params():
    """The sign-up's fields: a form, a JSON object or the query string."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("invalid_body", "the body must be a JSON object")
        values = {k: v if isinstance(v, list) else [v] for k, v in body.items()}
        return {k: [x for x in v if isinstance(x, str)] for k, v in values.items()}
    merged = request.args.copy()
    for key, values in request.form.lists():
        merged.setlist(key, values)
    return merged


def _off():
    """404: this server has no alerts to sign up for (GET /api/alerts says why)."""
    reason = off_reason(_config()) or ""
    return error_response(
        404, "alerts_off", f"E-mail {reason}.",
        html=("Besked på e-mail er slået fra",
              "Denne server sender ikke e-mails. Du kan følge en søgning med dens "
              "Atom-feed i stedet."),
    )  # fmt: skip


def _invalid_link():
    days = _config().alerts.unconfirmed_days
    return error_response(
        404, "invalid_link",
        f"This link is not valid: it was changed, or it confirms a sign-up older than "
        f"{days} days (sign up again).",
        html=("Linket virker ikke",
              f"Linket er ikke gyldigt. Det kan være ændret, eller det er mere end {days} "
              "dage gammelt. Tilmeld dig igen fra søgningen."),
    )  # fmt: skip


# --- Sign-up


@pages.get("/alerts")
def form():
    query = canonical(request.args)
    return render_template("alerts.html", state="form", query=query, description=describe(query))


@api.get("/api/alerts")
def about():
    query = canonical(request.args)
    reason = off_reason(_config())
    return jsonify({"enabled": reason is None, "reason": reason, "query": query,
                    "description": describe(query)})  # fmt: skip


def _sign_up() -> str:
    params = _params()
    email = signup.normalize_email(_first(params, "email"))
    query = canonical(params)
    signup.sign_up(_config(), email, query)
    return query


def _first(params, key: str) -> str | None:
    values = params.getlist(key) if hasattr(params, "getlist") else params.get(key, [])
    value = values[0] if values else None
    return value if isinstance(value, str) else None


@signups.post("/alerts")
def sign_up():
    if off_reason(_config()):
        return _off()
    try:
        query = _sign_up()
    except BadRequest as exc:
        if exc.param != "email":
            raise
        return error_response(400, exc.code, exc.message, html=(
            "E-mailadressen kan ikke bruges",
            "Skriv en e-mailadresse som navn@example.dk, og prøv igen."))  # fmt: skip
    return render_template("alerts.html", state="check_mail", query=query,
                           description=describe(query))  # fmt: skip


@signups.post("/api/alerts")
def sign_up_json():
    if off_reason(_config()):
        return _off()
    query = _sign_up()
    return jsonify({"status": "check_your_email", "message": CHECK_MAIL, "query": query,
                    "description": describe(query)}), 202  # fmt: skip


# --- Confirm


@pages.get("/alerts/confirm/<token>")
def confirm_page(token: str):
    subscription = signup.pending(_config(), token)
    if subscription is None:
        return _invalid_link()
    return render_template("alerts.html", state="confirm" if not subscription.confirmed
                           else "confirmed", token=token, query=subscription.query,
                           description=describe(subscription.query))  # fmt: skip


@pages.post("/alerts/confirm/<token>")
def confirm(token: str):
    subscription = signup.confirm(_config(), token)
    if subscription is None:
        return _invalid_link()
    return render_template("alerts.html", state="confirmed", query=subscription.query,
                           description=describe(subscription.query))  # fmt: skip


def _subscription_json(subscription):
    if subscription is None:
        return _invalid_link()
    return jsonify({"status": "confirmed" if subscription.confirmed else "unconfirmed",
                    "query": subscription.query,
                    "description": describe(subscription.query)})  # fmt: skip


@api.get("/api/alerts/confirm/<token>")
def confirm_status(token: str):
    return _subscription_json(signup.pending(_config(), token))


@api.post("/api/alerts/confirm/<token>")
def confirm_json(token: str):
    return _subscription_json(signup.confirm(_config(), token))


# --- Unsubscribe


@pages.get("/alerts/unsubscribe/<token>")
def unsubscribe_page(token: str):
    if signer_for(_config()).unsubscribe_id(token) is None:
        return _invalid_link()
    return render_template("alerts.html", state="unsubscribe", token=token)


@pages.post("/alerts/unsubscribe/<token>")
def unsubscribe(token: str):
    """The button on the page, and a mail program's List-Unsubscribe-Post."""
    if not signup.unsubscribe(_config(), token):
        return _invalid_link()
    return render_template("alerts.html", state="unsubscribed")


@api.post("/api/alerts/unsubscribe/<token>")
def unsubscribe_json(token: str):
    if not signup.unsubscribe(_config(), token):
        return _invalid_link()
    return jsonify({"status": "unsubscribed"})


# --- The form on the search and item pages


def _alert_fields(args=None, case: str | None = None) -> list[tuple[str, str]]:
    """The hidden fields of the sign-up form: the page's search, or the item's case."""
    if case:
        return [("case", case)]
    try:
        return pairs_of(canonical(args if args is not None else request.args))
    except BadRequest:
        return []


def init_app(app: Flask, config: Config) -> None:
    """Register the blueprints and their limits (after limits.init_app)."""
    from .limits import EXTENSION, check_limit

    check_limit("alerts.signup_limit", config.alerts.signup_limit)
    for blueprint in (pages, api, signups):
        app.register_blueprint(blueprint)
    limiter = app.extensions[EXTENSION]
    budgets = ((pages, config.rate_limit_pages, "pages"), (api, config.rate_limit_api, "api"),
               (signups, config.alerts.signup_limit, "alerts_signup"))  # fmt: skip
    for blueprint, value, scope in budgets:
        if value:
            limiter.shared_limit(value, scope=scope)(app.blueprints[blueprint.name])

    @app.context_processor
    def alert_helpers():
        return {"alerts_enabled": off_reason(config) is None, "alert_fields": _alert_fields,
                "alerts_form_url": url_for("alerts_signup.sign_up")}  # fmt: skip
