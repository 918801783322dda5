from decimal import Decimal

from django import template

from soutien.core import fiscal
from soutien.rules.text import french_money

register = template.Library()


@register.filter
def money(value):
    if value is None or value == "":
        return "—"
    return french_money(Decimal(value))


@register.filter
def fiscal_label(value):
    return fiscal.label(int(value)) if value else "—"


@register.filter
def yesno_fr(value):
    if value is None:
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    return value
