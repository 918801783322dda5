"""The application's own answers, section by section, beside the organization's profile: what
the Ministry's staff read on the dossier page. Labels are the models' verbose names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst

from soutien.organizations.models import FinancialStatements, Organization

from .models import Application, FundingLine
from .sections import FINANCES, sections_of

# The profile's values that answer the same questions, per section.
PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    "identification": (
        "legal_name",
        "neq",
        "legal_form",
        "street_address",
        "city",
        "postal_code",
        "region",
    ),
    "mission": ("mission", "services"),
    "refugees": ("refugee_reception", "refugees_received_per_year"),
}
# The finances section also shows the totals of its funding lines (6.1.4).
FINANCE_TOTALS = ("other_public_funding", "quebec_government_funding_other")
STATEMENT_FIELDS = (
    "period_start",
    "period_end",
    "total_revenue",
    "total_expenses",
    "unrestricted_net_assets",
)


def _label(model: type[models.Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _funding_headers() -> tuple[str, ...]:
    return tuple(_label(FundingLine, name) for name in ("source", "details", "amount"))


@dataclass(frozen=True, slots=True)
class Answer:
    label: str
    value: Any
    kind: str  # text, money, yes_no, number, date


@dataclass(frozen=True, slots=True)
class SectionAnswers:
    code: str
    title: Promise
    answers: list[Answer]
    profile: list[Answer] = field(default_factory=list)
    funding_lines: list[FundingLine] | None = None
    funding_headers: tuple[str, ...] = ()
    statements_title: str = ""
    statements: list[Answer] | None = None


def _kind(model_field: models.Field) -> str:
    if isinstance(model_field, models.DecimalField):
        return "money"
    if isinstance(model_field, models.BooleanField):
        return "yes_no"
    if isinstance(model_field, models.IntegerField):
        return "number"
    if isinstance(model_field, models.DateField):
        return "date"
    return "text"


def _answer(record: models.Model, name: str) -> Answer:
    model_field = record._meta.get_field(name)
    label = _label(type(record), name)
    if model_field.choices:
        return Answer(label, getattr(record, f"get_{name}_display")(), "text")
    if isinstance(model_field, models.ForeignKey):
        return Answer(label, str(getattr(record, name)), "text")
    return Answer(label, getattr(record, name), _kind(model_field))


def answers_of(application: Application) -> list[SectionAnswers]:
    """The sections of the application (the renewal section for a renewal only), each with its
    answers and the organization's profile values beside them.

    Reads the funding lines and the statements the application names (two queries) and the
    organization with its region (select them with the application).
    """
    organization: Organization = application.organization
    lines = list(application.funding_lines.order_by("source"))
    statements: FinancialStatements | None = (
        FinancialStatements.objects.filter(pk=application.last_statements_id).first()
        if application.last_statements_id
        else None
    )
    result = []
    for section in sections_of(application):
        names = list(section.fields)
        if section is FINANCES:
            names += FINANCE_TOTALS
        result.append(
            SectionAnswers(
                code=section.code,
                title=section.title,
                answers=[_answer(application, name) for name in names],
                profile=[
                    _answer(organization, name) for name in PROFILE_FIELDS.get(section.code, ())
                ],
                funding_lines=lines if section is FINANCES else None,
                funding_headers=_funding_headers() if section is FINANCES else (),
                statements_title=(
                    _label(Application, "last_statements") if section is FINANCES else ""
                ),
                statements=(
                    [_answer(statements, name) for name in STATEMENT_FIELDS]
                    if section is FINANCES and statements is not None
                    else None
                ),
            )
        )
    return result
