"""Message templates per milestone, channel and language, and their renderer.

Files live beside this module as ``<lang>/<event type>.<channel>.txt`` (Jinja2); a child's card (KIA), applied
for and collected by a parent, has its own, addressed to the parent, as ``<lang>/kia/<event type>.<channel>.txt``
for each milestone a KIA reaches (KIA_EVENT_TYPES: no capture appointment, so no appointment or no-show expiry). An email template
extends ``<lang>/_layout.email.txt`` and fills two blocks: ``subject`` (one line) and ``body``; an SMS
template is the text itself. Rendering is strict: a variable the template uses but the caller did not
give is an error naming the variable, never an empty gap in a message to a citizen.

Dates and times are formatted for the language by Babel (locales id_ID and en_ID); a time is shown in
the office's zone (``timezone`` variable, IANA name, default Asia/Jakarta) with its Indonesian
abbreviation (WIB, WITA, WIT), which is how appointment times are written in Indonesia in either language.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from babel.dates import format_date, format_time
from babel.lists import format_list

from notify.templates.labels import CARD_FIELD_LABELS, COLLECTOR_LABELS, EXPIRY_REASONS, FIELD_LABELS, INTERVIEW_CHANNELS

EVENT_TYPES = (
    "payment.due.v1",
    "payment.reminder.v1",
    "application.expired_unpaid.v1",
    "application.submitted.v1",
    "application.resubmitted.v1",
    "application.correction_requested.v1",
    "application.rejected.v1",
    "application.expired.v1",
    "appointment.scheduled.v1",
    "interview.scheduled.v1",
    "interview.reminder.v1",
    "interview.missed.v1",
    "card.temporary_letter_issued.v1",
    "card.ready_for_pickup.v1",
    "card.pickup_reminder.v1",
    "card.refused_at_pickup.v1",
    "card.collected.v1",
)
KIA_EVENT_TYPES = tuple(e for e in EVENT_TYPES if e not in ("appointment.scheduled.v1", "application.expired.v1"))
KIA = "kia"
# Not a milestone of an application: a citizen's one-time sign-in code, sent to the address it was asked for.
CODE_EVENT = "citizen.code_requested.v1"
CHANNELS = ("email", "sms")
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
DEFAULT_TIMEZONE = "Asia/Jakarta"

_LOCALES = {"id": "id_ID", "en": "en_ID"}
_FOLDER = Path(__file__).parent


class TemplateError(Exception):
    """A message cannot be rendered; the message names what is wrong, never a variable's value."""


class UnknownTemplate(TemplateError):
    pass


class TemplateVariableError(TemplateError):
    pass


@dataclasses.dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def render_email(event_type: str, variables: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> RenderedEmail:
    template = _template(event_type, "email", lang, variables.get("document_type"))
    context = template.new_context(dict(variables))
    subject = _strict(lambda: "".join(template.blocks["subject"](context))).strip()
    if not subject or "\n" in subject:
        raise TemplateError(f"{lang}/{event_type}: the subject must be one non-empty line")
    body = _strict(lambda: template.render(variables))
    return RenderedEmail(subject=subject, body=body.strip() + "\n")


def render_sms(event_type: str, variables: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    template = _template(event_type, "sms", lang, variables.get("document_type"))
    # One line: a template's line breaks are for the reader of the file, not for the handset.
    return " ".join(_strict(lambda: template.render(variables)).split())


def render(event_type: str, channel: str, variables: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> RenderedEmail | str:
    if channel == "email":
        return render_email(event_type, variables, lang)
    if channel == "sms":
        return render_sms(event_type, variables, lang)
    raise UnknownTemplate(f"unknown channel {channel!r}")


def _strict(produce):
    try:
        return produce()
    except jinja2.UndefinedError as error:
        raise TemplateVariableError(str(error)) from None


def _template(event_type: str, channel: str, lang: str, document_type: str | None = None) -> jinja2.Template:
    if lang not in LANGUAGES:
        raise UnknownTemplate(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    if document_type == KIA:
        if event_type not in KIA_EVENT_TYPES or channel not in CHANNELS:
            raise UnknownTemplate(f"no {channel} template for {event_type!r} of a KIA")
        return _environment(lang).get_template(f"{lang}/kia/{event_type}.{channel}.txt")
    if event_type not in (*EVENT_TYPES, CODE_EVENT) or channel not in CHANNELS:
        raise UnknownTemplate(f"no {channel} template for {event_type!r}")
    return _environment(lang).get_template(f"{lang}/{event_type}.{channel}.txt")


@functools.cache
def _environment(lang: str) -> jinja2.Environment:
    locale = _LOCALES[lang]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_FOLDER),
        autoescape=False,  # plain text: escaping would put "&amp;" into an SMS
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )

    @jinja2.pass_context
    def date_filter(context, value: Any) -> str:
        moment = _as_datetime(value, context.get("timezone", DEFAULT_TIMEZONE))
        return format_date(moment.date(), "full", locale=locale)

    @jinja2.pass_context
    def time_filter(context, value: Any) -> str:
        moment = _as_datetime(value, context.get("timezone", DEFAULT_TIMEZONE))
        zone = format_time(moment, "z", tzinfo=moment.tzinfo, locale="id_ID")
        return f"{format_time(moment, 'short', tzinfo=moment.tzinfo, locale=locale)} {zone}"

    def field_labels_filter(fields: Iterable[str]) -> str:
        return format_list([_field_label(field, lang) for field in fields], locale=locale)

    def card_fields_filter(fields: Iterable[str]) -> str:
        return format_list([_card_field(field, lang) for field in fields], locale=locale)

    env.filters.update(
        date=date_filter,
        time=time_filter,
        field_label=lambda field: _field_label(field, lang),
        field_labels=field_labels_filter,
        card_field=lambda field: _card_field(field, lang),
        card_fields=card_fields_filter,
        collector=lambda who: _collector(who, lang),
        interview_channel=lambda channel: _interview_channel(channel, lang),
        expiry_reason=lambda reason: _expiry_reason(reason, lang),
        rupiah=_rupiah,
    )
    return env


def _as_datetime(value: Any, timezone: str) -> datetime:
    """A datetime in the office's zone. Naive values are taken as already in that zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise TemplateError("a date/time variable is not in ISO 8601 form") from None
    if isinstance(value, datetime):
        zone = _zone(timezone)
        return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=_zone(timezone))
    raise TemplateError(f"a date/time variable has type {type(value).__name__}")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TemplateError("unknown time zone in variable 'timezone'") from None


def _rupiah(amount: Any) -> str:
    """An amount as written in Indonesia in either language: Rp50.000."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TemplateError("'rupiah' must be a whole number of rupiah")
    return f"Rp{amount:,}".replace(",", ".")


def _field_label(field: str, lang: str) -> str:
    """The citizen's word for a form field, named plainly (`full_name`) or by its path in intake's API
    (`applicant.full_name`, `documents.photo`); an unknown key is shown readably rather than refused."""
    name = field.rsplit(".", 1)[-1]
    labels = FIELD_LABELS.get(name)
    return labels[lang] if labels else name.replace("_", " ")


def _card_field(field: str, lang: str) -> str:
    """A field of the printed card, by the label printed on it."""
    labels = CARD_FIELD_LABELS.get(field)
    return labels[lang] if labels else field.replace("_", " ")


def _expiry_reason(reason: str, lang: str) -> str:
    """Why an application expired, in words; a code this notify does not know yet is shown readably."""
    labels = EXPIRY_REASONS.get(reason)
    return labels[lang] if labels else reason.replace("_", " ")


def _interview_channel(channel: str, lang: str) -> str:
    try:
        return INTERVIEW_CHANNELS[channel][lang]
    except KeyError:
        raise TemplateError(f"'channel' must be one of: {', '.join(INTERVIEW_CHANNELS)}") from None


def _collector(who: str, lang: str) -> str:
    try:
        return COLLECTOR_LABELS[who][lang]
    except KeyError:
        raise TemplateError(f"'collected_by' must be one of: {', '.join(COLLECTOR_LABELS)}") from None
