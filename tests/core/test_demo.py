from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from soutien import demo
from soutien.accounts.models import Role, User
from soutien.agreements.models import Agreement, Installment, InstallmentState, NonComplianceAction
from soutien.agreements.portal_views import renewals_offered
from soutien.applications.models import Application, InformationRequest, State, SubmissionPeriod
from soutien.applications.portal_views import dashboard_context
from soutien.applications.sections import checklist, missing
from soutien.budget.models import LedgerEntry, LedgerKind
from soutien.core import clock
from soutien.core.models import JournalEntry
from soutien.evaluations.models import Evaluation
from soutien.organizations.models import Organization
from soutien.rules.documents import REQUIRED_DOCUMENTS


def test_demo_builds_a_believable_program_once_and_prints_the_accounts(demo_database):
    # The run's demo database, built by `demo` on its program date as `make run` does.
    text = demo_database.output
    for role in Role:
        accounts = User.objects.filter(role=role)
        assert accounts.exists() and all(user.email in text for user in accounts)
    # A payment run is approved by another finance officer than the one who prepared it.
    assert User.objects.filter(role=Role.FINANCE).count() == 2
    assert "demo-soutien-2019" in text
    assert "Date du programme : 15 octobre 2019 (SOUTIEN_PROGRAM_DATE)." in text
    assert "lancez-la avec" not in text

    assert Organization.objects.count() >= 150
    assert Organization.objects.values("region").distinct().count() == 17
    assert Organization.objects.filter(refugee_reception=True).exists()
    assert Organization.objects.filter(is_national_grouping=True).count() >= 3
    assert Organization.objects.filter(attached_to_ministry=False).exists()
    # 5.2: an organization funded since 2018 is attached in 2019, marked by the Ministry or not.
    funded_2018 = Agreement.objects.filter(start_fiscal_year=2018, signed_on__isnull=False)
    renewed = Application.objects.filter(
        fiscal_year=2019, organization__in=funded_2018.values("organization")
    )
    assert renewed.filter(organization__attached_to_ministry=False).exists()
    assert set(renewed.values_list("priority", flat=True)) <= {1, 2, 3}
    for fiscal_year in (2018, 2019):
        states = set(
            Application.objects.filter(fiscal_year=fiscal_year).values_list("state", flat=True)
        )
        assert states == set(State.values), fiscal_year
    assert Agreement.objects.count() > 50
    assert Installment.objects.filter(state="paid").exists()
    assert JournalEntry.objects.filter(action="agreement.terminated").count() == 1
    # 6.1.3, second sentence: a renewal whose surplus persists has part of its aid withdrawn.
    withdrawn = Evaluation.objects.filter(surplus_withdrawal_amount__isnull=False)
    assert withdrawn.exists()
    for evaluation in withdrawn:
        assert evaluation.result["surplus_withdrawal_required"] is True
        assert evaluation.result["amount_final"] is True
        assert evaluation.result["amount_lines"][-1]["clause"] == "6.1.3"
    # 5.5: each measure came from a case, proposed by the advisor, approved by the manager.
    measures = NonComplianceAction.objects.all()
    assert measures.filter(kind="suspension").exists()
    for measure in measures:
        proposal = measure.proposal
        assert proposal.proposed_by.role == Role.ADVISOR, measure
        assert proposal.reviewed_by.role == Role.MANAGER, measure
    representative = User.objects.get(role=Role.REPRESENTATIVE)
    # Every path a visitor may try as the representative: a draft, a request to answer before
    # its deadline, a renewal to make (issue 10).
    assert Organization.objects.for_user(representative).count() == 3
    mine = Application.objects.for_user(representative)
    assert mine.filter(state=State.DRAFT, fiscal_year=2019).exists()
    now = clock.now()
    assert InformationRequest.objects.for_user(representative).open().filter(due_at__gt=now)
    context = dashboard_context(representative, now=now)
    assert renewals_offered(representative, taken=context.pop("taken"))
    # A dossier past « brouillon » answers every section; only the documents of an incomplete
    # (or withdrawn) one may be missing.
    for application in Application.objects.exclude(state=State.DRAFT):
        lacking = {item.code for item in missing(checklist(application))}
        if application.state in (State.INCOMPLETE, State.WITHDRAWN):
            lacking -= {document.code for document in REQUIRED_DOCUMENTS}
        assert not lacking, (application, lacking)
    # A visitor can register and apply on the program date, for 2019-2020 (funded by the
    # norms 2018-2020); the demo's notices were never sent.
    open_periods = SubmissionPeriod.objects.filter(opens_at__lte=now, deadline_at__gt=now)
    assert set(open_periods.values_list("stream", flat=True)) == {1, 2}
    assert set(open_periods.values_list("fiscal_year", flat=True)) == {2019}
    assert demo_database.emails == [] and mail.outbox == []
    # The ledger agrees with the records, and no organization is committed twice for a year.
    checked = StringIO()
    call_command("ledger", "check", stdout=checked)
    assert "aucun écart" in checked.getvalue()
    commitments = LedgerEntry.objects.filter(kind=LedgerKind.COMMITMENT)
    assert commitments.count() > 50
    keys = commitments.values_list("organization", "fiscal_year", "stream")
    assert len(set(keys)) == len(keys)

    before = Organization.objects.count()
    again = StringIO()
    call_command("demo", stdout=again)
    assert "aucune donnée de démonstration n'est ajoutée" in again.getvalue()
    assert Organization.objects.count() == before


def _installment_states(year: int, month: int) -> set[str]:
    rows = Installment.objects.filter(due_year=year, due_month=month)
    return set(rows.values_list("state", flat=True))


def test_the_demo_makes_sense_on_its_program_date_and_nothing_happens_after_it(demo_database):
    days = {clock.localdate_of(at) for at in JournalEntry.objects.values_list("at", flat=True)}
    assert max(days) <= demo.PROGRAM_DATE
    # Installments of 6.2: November 2018 and March 2019 paid, November 2019 still to come.
    assert InstallmentState.PAID in _installment_states(2018, 11)
    assert InstallmentState.PAID in _installment_states(2019, 3)
    assert InstallmentState.PAID not in _installment_states(2019, 11)
    assert InstallmentState.SCHEDULED in _installment_states(2019, 11)
    assert not Installment.objects.filter(paid_on__gt=demo.PROGRAM_DATE).exists()
    assert not Agreement.objects.filter(signed_on__gt=demo.PROGRAM_DATE).exists()
    # The second call of 2019-2020 is open on the program date.
    period = SubmissionPeriod.objects.get(fiscal_year=2019, stream=1)
    assert clock.localdate_of(period.opens_at) < demo.PROGRAM_DATE
    assert clock.localdate_of(period.deadline_at) > demo.PROGRAM_DATE


@pytest.mark.django_db
def test_the_demo_says_when_the_program_date_is_not_its_own():
    output = StringIO()
    demo.print_program_date(output.write)
    assert "(horloge réelle)" in output.getvalue()
    assert "SOUTIEN_PROGRAM_DATE=2019-10-15 (make run le fait)" in output.getvalue()
