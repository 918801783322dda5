"""Building blocks for the workspace tests: a dossier ready for each stage."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from soutien.accounts.models import Role
from soutien.agreements import actions as agreement_actions
from soutien.applications import actions as application_actions
from soutien.budget import actions as budget_actions
from soutien.evaluations import actions
from soutien.evaluations.models import Outcome
from soutien.rules import FiscalYear
from soutien.rules.eligibility import CRITERIA_BY_STREAM, JUDGEABLE
from soutien.rules.facts import Stream
from tests.factories import (
    at,
    make_application,
    make_organization,
    make_representative,
    make_user,
    submit_complete,
)


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def judgments_all_met(stream=Stream.ORGANIZATION):
    return {
        c.code: (True, "Constaté dans les documents.")
        for c in CRITERIA_BY_STREAM[stream]
        if c.code in JUDGEABLE and c.code != "stream2_member_regions"
    }


def staff():
    return {
        "advisor": make_user(Role.ADVISOR),
        "manager": make_user(Role.MANAGER),
        "finance": make_user(Role.FINANCE),
        "administrator": make_user(Role.ADMINISTRATOR),
    }


def evaluated_dossier(advisor, organization=None, *, complete=True, **fields):
    """A submitted application evaluated by `advisor` (all judgments met), completed."""
    organization = organization or make_organization()
    application = submit_complete(make_application(organization, by=advisor, **fields), by=advisor)
    evaluation = actions.start_evaluation(application, by=advisor, at=at(2019, 3, 1))
    actions.record_judgments(
        evaluation, judgments=judgments_all_met(), by=advisor, at=at(2019, 3, 2)
    )
    actions.compute_evaluation(evaluation, by=advisor, at=at(2019, 3, 3))
    if complete:
        actions.complete_evaluation(evaluation, by=advisor, at=at(2019, 3, 4))
    return application, evaluation


def envelope(manager, amount, *, stream=1, fiscal_year=2019, approved=True):
    """An envelope, its credits approved (6.2) unless `approved` is false."""
    opened = budget_actions.open_envelope(
        fiscal_year=FiscalYear(fiscal_year),
        stream=stream,
        amount=Decimal(amount),
        by=manager,
        at=at(2019, 3, 10),
    )
    if approved:
        budget_actions.approve_envelope(
            opened,
            approved_on=date(2019, 3, 10),
            reference=f"Crédits votés {FiscalYear(fiscal_year).label}",
            by=manager,
            at=at(2019, 3, 10),
        )
    return opened


def granted_decision(people, organization=None):
    """An evaluated dossier funded by an approved run and granted by the manager."""
    organization = organization or make_organization()
    make_representative(organization, email=f"rep-{organization.pk}@test.example")
    application, evaluation = evaluated_dossier(people["advisor"], organization)
    env = envelope(people["manager"], "1000000")
    run = budget_actions.run_allocation(env, by=people["manager"], at=at(2019, 3, 15))
    budget_actions.approve_allocation(run, by=people["manager"], at=at(2019, 3, 16))
    decision = budget_actions.decide_within_budget(
        evaluation, outcome=Outcome.GRANTED, by=people["manager"], at=at(2019, 3, 20)
    )
    return application, evaluation, decision


def one_year_agreement(decision, people, *, signatory_name="Jeanne"):
    """The 2019-2020 agreement of a granted decision, prepared by the manager (not signed)."""
    return agreement_actions.prepare_agreement(
        decision,
        reference="SAM-2019-0001",
        duration_years=1,
        starts_on=date(2019, 4, 1),
        ends_on=date(2020, 3, 31),
        signatory_name=signatory_name,
        by=people["manager"],
        at=at(2019, 4, 1),
    )


__all__ = ["application_actions"]
