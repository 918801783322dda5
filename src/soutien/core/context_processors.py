from . import clock


def program_clock(request) -> dict:
    """The pinned program date, shown on every page of a demonstration (None in production)."""
    return {"program_date": clock.program_date()}
