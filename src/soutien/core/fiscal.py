"""Government fiscal years in the database: stored as the start year (2019 for « 2019-2020 »).

Three calendars are kept apart in the models: the government's fiscal year (these fields);
each organization's own fiscal year (organizations.FinancialStatements.period_start/end);
and an agreement's period (agreements.Agreement.starts_on/ends_on).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soutien.rules import FiscalYear, covered_fiscal_years

FIRST_YEAR, LAST_YEAR = 2000, 2099


def fiscal_year_field(verbose_name=None, **kwargs) -> models.PositiveSmallIntegerField:
    kwargs.setdefault(
        "help_text",
        _(
            "Exercice financier du gouvernement (du 1er avril au 31 mars), noté par son année "
            "de début."
        ),
    )
    return models.PositiveSmallIntegerField(
        verbose_name or _("exercice financier"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        **kwargs,
    )


def fiscal_year_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": FIRST_YEAR, f"{field}__lte": LAST_YEAR}),
        name=name,
        violation_error_message=_("L'exercice financier est hors de la plage permise."),
    )


def label(start_year: int | None) -> str:
    return "" if start_year is None else FiscalYear(start_year).label


def choices() -> list[tuple[int, str]]:
    """The fiscal years a version of the norms funds, as (start year, « 2019-2020 »)."""
    return [(year.start_year, year.label) for year in covered_fiscal_years()]
