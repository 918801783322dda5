"""One table says who may do what (issue 9, item 5); every action keeps to it, whoever calls it.

The expected grants below are written out again here, on purpose: a change to
`soutien.accounts.access.GRANTS` that is not a decision shows up as a failing test.
"""

import inspect
from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied

from soutien.accountability import actions as accountability
from soutien.accounts import actions as accounts_actions
from soutien.accounts.access import GRANTS, REASONS, Capability, can, refusal
from soutien.accounts.models import Role
from soutien.agreements import actions as agreements
from soutien.budget import actions as budget
from soutien.core.models import JournalEntry
from soutien.evaluations import actions as evaluations
from soutien.organizations import actions as organizations
from soutien.payments import actions as payments
from soutien.privacy import actions as privacy
from soutien.privacy import rights
from tests.factories import at, make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db

ROLES = ("representative", "advisor", "manager", "finance", "administrator")

# Capability → roles, as the program assigns them.
EXPECTED = {
    "view": {"advisor", "manager", "finance", "administrator"},
    "assign": {"manager", "administrator"},
    "review": {"advisor", "administrator"},
    "evaluate": {"advisor", "administrator"},
    "allocate": {"manager", "administrator"},
    "approve_allocation": {"manager", "administrator"},
    "decide": {"manager", "administrator"},
    "agreement": {"advisor", "manager", "administrator"},
    "export": {"finance", "manager", "administrator"},
    "references": {"manager", "administrator"},
    "attach": {"manager", "administrator"},
    "envelope": {"manager", "administrator"},
    "pay": {"finance", "administrator"},
    "reschedule": {"manager", "administrator"},
    "measures": {"manager", "administrator"},
    "accountability": {"advisor", "manager", "administrator"},
    "claims": {"finance", "manager", "administrator"},
    "privacy": {"manager", "administrator"},
}

# Every staff action that changes money or a decision, and the capability it needs.
ACTIONS = {
    evaluations.start_evaluation: Capability.EVALUATE,
    evaluations.record_judgment: Capability.EVALUATE,
    evaluations.record_judgments: Capability.EVALUATE,
    evaluations.judge_and_compute: Capability.EVALUATE,
    evaluations.compute_evaluation: Capability.EVALUATE,
    evaluations.complete_evaluation: Capability.EVALUATE,
    evaluations.adjust_evaluation: Capability.EVALUATE,
    evaluations.decide_application: Capability.DECIDE,
    evaluations.assign_advisor: Capability.ASSIGN,
    evaluations.record_document_checks: Capability.REVIEW,
    evaluations.request_information: Capability.REVIEW,
    budget.open_envelope: Capability.ENVELOPE,
    budget.approve_envelope: Capability.ENVELOPE,
    budget.close_envelope: Capability.ENVELOPE,
    budget.update_region_reference: Capability.REFERENCES,
    budget.run_allocation: Capability.ALLOCATE,
    budget.approve_allocation: Capability.APPROVE_ALLOCATION,
    budget.cancel_allocation: Capability.ALLOCATE,
    budget.decide_within_budget: Capability.DECIDE,
    budget.communicate_decision: Capability.DECIDE,
    agreements.prepare_agreement: Capability.AGREEMENT,
    agreements.upload_agreement_document: Capability.AGREEMENT,
    agreements.sign_agreement: Capability.AGREEMENT,
    agreements.confirm_year: Capability.AGREEMENT,
    agreements.renew_year: Capability.AGREEMENT,
    agreements.pay_installment: Capability.PAY,
    agreements.suspend_agreement: Capability.MEASURES,
    agreements.resume_agreement: Capability.MEASURES,
    agreements.revise_agreement: Capability.MEASURES,
    agreements.terminate_agreement: Capability.MEASURES,
    agreements.open_case: Capability.AGREEMENT,
    agreements.propose_measure: Capability.AGREEMENT,
    agreements.approve_measure: Capability.MEASURES,
    agreements.reject_measure: Capability.MEASURES,
    agreements.close_case: Capability.MEASURES,
    agreements.lift_suspension: Capability.MEASURES,
    agreements.review_renewal: Capability.EVALUATE,
    agreements.end_at_renewal: Capability.MEASURES,
    accountability.expect_annual_report: Capability.ACCOUNTABILITY,
    accountability.check_obligation: Capability.ACCOUNTABILITY,
    accounts_actions.record_incident: Capability.PRIVACY,
    privacy.prepare_run: Capability.PRIVACY,
    privacy.approve_run: Capability.PRIVACY,
    privacy.cancel_run: Capability.PRIVACY,
    privacy.execute_run: Capability.PRIVACY,
    privacy.resume_run: Capability.PRIVACY,
    privacy.place_hold: Capability.PRIVACY,
    privacy.lift_hold: Capability.PRIVACY,
    rights.record_request: Capability.PRIVACY,
    rights.answer_request: Capability.PRIVACY,
    accountability.accept_annual_report: Capability.ACCOUNTABILITY,
    accountability.request_report_correction: Capability.ACCOUNTABILITY,
    accountability.establish_claim: Capability.CLAIMS,
    accountability.agree_repayment: Capability.CLAIMS,
    accountability.default_repayment: Capability.CLAIMS,
    accountability.record_repayment: Capability.CLAIMS,
    accountability.reinstate_repayment: Capability.CLAIMS,
    accountability.plan_offset: Capability.CLAIMS,
    accountability.cancel_offset: Capability.CLAIMS,
    organizations.mark_attached: Capability.ATTACH,
    organizations.withdraw_attachment: Capability.ATTACH,
    organizations.set_supplier_identification: Capability.PAY,
    payments.prepare_run: Capability.PAY,
    payments.approve_run: Capability.PAY,
    payments.cancel_run: Capability.PAY,
    payments.record_results: Capability.PAY,
    payments.import_return: Capability.PAY,
    payments.reschedule_installment: Capability.RESCHEDULE,
}

# Public functions of those modules that take `by` but are not staff decisions: steps run
# inside another action (which checked the role), or the organization's own verbs.
NOT_STAFF_ACTIONS = {
    "schedule_installments",  # inside sign_agreement and confirm_year
    "commit_funded_lines",  # inside approve_allocation
    "receive_signed_copy",  # the organization's own verb (require_member)
    "offset_applied",  # inside payments.record_results (which checked the role)
    # The yearly report's author (clause 8): a member of the organization, or staff who may
    # keep the accountability recording a report received on paper (`_require_author`).
    "save_activities",
    "add_funding_source",
    "remove_funding_source",
    "save_financial_report",
    "answer_related_parties",
    "declare_related_party",
    "withdraw_related_party",
    "save_agm",
    "submit_report",
    "answer_report_correction",
    # A person's own copy of their data; staff taking it for a request need PRIVACY.
    "record_download",
}
STAFF_MODULES = (evaluations, budget, agreements, payments, accountability, privacy, rights)


def user_of(role: str):
    if role == "representative":
        return make_representative(make_organization())
    return make_user(role)


def test_the_table_grants_each_capability_to_exactly_the_expected_roles():
    assert {c.value for c in Capability} == set(EXPECTED)
    assert {c.value: set(GRANTS[c]) for c in Capability} == EXPECTED
    assert set(REASONS) == set(Capability)


@pytest.mark.parametrize("capability", list(Capability))
@pytest.mark.parametrize("role", ROLES)
def test_every_capability_against_every_role(capability, role):
    user = user_of(role)
    assert can(user, capability) is (role in EXPECTED[capability.value])
    if not can(user, capability):
        assert str(refusal(user, capability))  # a French reason to show


def test_an_inactive_staff_member_holds_nothing():
    user = make_user(Role.MANAGER, is_active=False)
    assert not any(can(user, capability) for capability in Capability)


def test_every_staff_action_that_takes_a_person_is_in_the_table():
    listed = {fn.__name__ for fn in ACTIONS}
    for module in STAFF_MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            if "by" in inspect.signature(fn).parameters:
                assert name in listed | NOT_STAFF_ACTIONS, name


def _call_with_nothing(fn, user):
    """Call the action with its person and placeholders: the role check comes first."""
    args, kwargs = [], {"by": user, "at": at(2019, 6, 1)}
    for name, parameter in inspect.signature(fn).parameters.items():
        if name in kwargs or parameter.default is not inspect.Parameter.empty:
            continue
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = None
        elif parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            args.append(None)
    return fn(*args, **kwargs)


CASES = [
    (fn, capability, role)
    for fn, capability in ACTIONS.items()
    for role in ROLES
    if role not in EXPECTED[capability.value]
]


@pytest.mark.parametrize(
    ("fn", "capability", "role"),
    CASES,
    ids=[f"{fn.__name__}-{role}" for fn, _c, role in CASES],
)
def test_an_action_refuses_a_person_without_its_role_whatever_calls_it(fn, capability, role):
    user = user_of(role)
    before = JournalEntry.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        _call_with_nothing(fn, user)
    assert str(refused.value) == str(refusal(user, capability))
    assert JournalEntry.objects.count() == before


def test_nobody_acts_without_being_signed_in():
    with pytest.raises(PermissionDenied):
        agreements.pay_installment(None, paid_on=None, by=None, at=datetime(2019, 11, 1))
