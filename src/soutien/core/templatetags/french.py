"""French that Django's filters get wrong: « 1er décembre », « Volet 1, clause 1.3 »."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def jour(value: date | datetime | None) -> str:
    """« 1er décembre 2019 », « 2 décembre 2019 » (the first of the month is « 1er »)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    text = dateformat.format(value, "j F Y")
    return _("1er") + text[1:] if value.day == 1 else text


@register.filter
def clause_label(clause: str) -> str:
    """« Volet 1, 1.3 » is « Volet 1, clause 1.3 »; « 1.3 » is « Clause 1.3 »."""
    clause = str(clause)
    if clause.startswith("Volet"):
        stream, _sep, number = clause.partition(", ")
        if not number:
            return stream
        return _("%(stream)s, clause %(number)s") % {"stream": stream, "number": number}
    return _("Clause %(clause)s") % {"clause": clause}
