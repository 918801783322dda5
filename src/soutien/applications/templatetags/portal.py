"""Template filters of the portal: dates and hours as people in Québec write them."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from soutien.rules.text import french_date, french_money

register = template.Library()


@register.filter
def moment(value) -> str:
    """« 28 février 2019 à 16 h 00 », in America/Montreal."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(date)s à %(hour)s h %(minute)s") % {
        "date": french_date(local.date()),
        "hour": local.hour,
        "minute": f"{local.minute:02d}",
    }


@register.filter
def money(value) -> str:
    return "" if value is None else french_money(value)


@register.filter
def filesize(value) -> str:
    if value is None:
        return ""
    if value < 1024 * 1024:
        return f"{max(1, round(value / 1024))} ko"
    return f"{value / (1024 * 1024):.1f} Mo".replace(".", ",")
