"""A program with signed agreements whose installments can be paid (6.2)."""

from __future__ import annotations

from decimal import Decimal

from soutien.accounts.models import Role
from soutien.organizations import actions as organizations
from tests.budget.test_ledger import funded_and_signed
from tests.factories import at, make_organization, make_user
from tests.workspace.helpers import envelope, staff


def identified(organization, finance, number="F-1"):
    """The organization known to the financial system as a supplier."""
    return organizations.set_supplier_identification(
        organization,
        supplier_number=number,
        bank_reference=f"RB-{number}",
        reason="Fiche fournisseur reçue.",
        by=finance,
        at=at(2019, 6, 1),
    )


def paying_program(count=1, credits=Decimal("500000"), *, identify=True, approved=True):
    """`count` signed one-year agreements of 2019-2020 (November and March installments),
    two finance officers, the organizations identified as suppliers. Not `approved`: the
    credits are voted but not approved, the dossiers decided without an allocation run."""
    people = staff()
    people["finance2"] = make_user(Role.FINANCE)
    agreements = []
    env = None
    if not approved:
        env = envelope(people["manager"], credits, approved=False)
    for _n in range(count):
        organization = make_organization()
        if identify:
            identified(organization, people["finance"], number=f"F-{organization.pk}")
        if env is None:
            env, _evaluation, agreement = funded_and_signed(people, credits, organization)
        else:
            agreement = signed_agreement(people, organization)
        agreements.append(agreement)
    return people, env, agreements


def signed_agreement(people, organization):
    """A one-year 2019-2020 agreement signed, decided without an allocation run."""
    from datetime import date

    from soutien.agreements import actions as agreement_actions
    from soutien.evaluations import actions as evaluations
    from soutien.evaluations.models import Outcome
    from tests.factories import upload
    from tests.workspace.helpers import evaluated_dossier

    manager = people["manager"]
    _application, evaluation = evaluated_dossier(people["advisor"], organization)
    decision = evaluations.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2019, 3, 20)
    )
    agreement = agreement_actions.prepare_agreement(
        decision, duration_years=1, signatory_name="J", by=manager, at=at(2019, 4, 1)
    )
    agreement_actions.sign_agreement(
        agreement,
        upload=upload("c.pdf"),
        signed_on=date(2019, 5, 10),
        by=manager,
        at=at(2019, 5, 10),
    )
    return agreement
