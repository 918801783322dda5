from . import clock
from .models import is_ministry_staff


def program_clock(request) -> dict:
    """The pinned program date, shown on every page of a demonstration (None in production)."""
    return {"program_date": clock.program_date()}


def staff_reads(request) -> dict:
    """Ministry staff read an organization's portal pages; its forms are for its members."""
    return {"staff_reads": is_ministry_staff(getattr(request, "user", None))}
