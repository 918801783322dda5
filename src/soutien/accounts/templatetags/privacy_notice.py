"""`{% privacy_notice %}`: the short privacy notice, with its version and the contact."""

from django import template
from django.conf import settings

from soutien.accounts.privacy import NOTICE_DATE, NOTICE_VERSION

register = template.Library()


@register.inclusion_tag("privacy/_notice.html")
def privacy_notice(board: bool = False) -> dict:
    """`board=True`: addressed to the person who enters the board's members."""
    return {
        "board": board,
        "notice_version": NOTICE_VERSION,
        "notice_date": NOTICE_DATE,
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
    }
