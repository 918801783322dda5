"""Eligibility: clauses 2, 3 (footnote 1), 4, Volet 1 §1.3, Volet 2 §2.3."""

import msgspec
import pytest

from soutien.rules.eligibility import (
    _QUALIFIES_BY_MEMBER,
    CRITERIA,
    CRITERIA_BY_CODE,
    CRITERIA_BY_STREAM,
    Eligibility,
    Kind,
    Status,
    _board_majority,
)
from soutien.rules.facts import BoardMember, BoardStatus, Stream

from .factories import STREAM2, all_judgments, dossier, evaluated, finding, org

CITIZEN = {"domiciled_in_quebec": True, "status": "citizen", "volunteer": True}
RESIDENT = {"domiciled_in_quebec": True, "status": "permanent_resident", "volunteer": True}
ABROAD = {"domiciled_in_quebec": False, "status": "citizen", "volunteer": True}
OTHER_STATUS = {"domiciled_in_quebec": True, "status": "other", "volunteer": True}
PAID = {"domiciled_in_quebec": True, "status": "citizen", "volunteer": False}


def test_criteria_have_unique_codes_a_clause_and_a_french_condition():
    codes = [c.code for c in CRITERIA]
    assert len(codes) == len(set(codes))
    for criterion in CRITERIA:
        assert criterion.clause
        assert criterion.title.endswith(".")
        assert (criterion.decide is not None) == (criterion.kind is Kind.FACTS)


def test_3_stability_applies_only_to_stream_1_and_2_3_only_to_stream_2():
    stream1 = {c.code for c in CRITERIA_BY_STREAM[Stream.ORGANIZATION]}
    stream2 = {c.code for c in CRITERIA_BY_STREAM[Stream.NATIONAL_GROUPING]}
    assert "stable_continuous_action" in stream1 - stream2
    assert "stream1_services" in stream1 - stream2
    assert {"stream2_member_regions", "stream2_national_representation"} <= stream2 - stream1


@pytest.mark.parametrize(
    ("incorporated", "applied", "status"),
    [
        ("2017-03-15", "2019-03-15", Status.MET),  # two years to the day
        ("2017-03-15", "2019-03-14", Status.UNMET),  # one day short
        ("2016-02-29", "2018-03-01", Status.MET),  # leap day: anniversary on March 1
        ("2016-02-29", "2018-02-28", Status.UNMET),
        ("2019-06-01", "2019-02-15", Status.UNMET),  # constituted after applying
    ],
)
def test_3_legal_existence_of_at_least_two_years_at_the_application(incorporated, applied, status):
    evaluation = evaluated(org(incorporation_date=incorporated), application_date=applied)
    result = finding(evaluation, "legal_existence_two_years")
    assert result.status is status
    if status is Status.UNMET:
        assert evaluation.eligibility is Eligibility.INELIGIBLE


@pytest.mark.parametrize(
    ("legal_form", "head_office", "majority", "status"),
    [
        ("qc_companies_part3", True, True, Status.MET),
        ("qc_companies_part3", True, False, Status.MET),  # note 1 asks this of federal NPOs only
        ("canada_nfp", True, True, Status.MET),
        ("canada_nfp", True, False, Status.UNMET),
        ("canada_nfp", False, True, Status.UNMET),
        ("other", True, True, Status.UNMET),
    ],
)
def test_3_note_1_non_profit_legally_constituted(legal_form, head_office, majority, status):
    changes = org(
        legal_form=legal_form,
        head_office_in_quebec=head_office,
        majority_of_activities_in_quebec=majority,
    )
    assert finding(evaluated(changes), "non_profit_legally_constituted").status is status


def test_3_note_1_names_what_a_federal_npo_lacks():
    changes = org(legal_form="canada_nfp", majority_of_activities_in_quebec=False)
    message = finding(evaluated(changes), "non_profit_legally_constituted").message
    assert "majorité de ses activités au Québec" in message


@pytest.mark.parametrize(
    ("board", "status"),
    [
        ([CITIZEN, RESIDENT, ABROAD], Status.MET),
        ([CITIZEN, RESIDENT, ABROAD, OTHER_STATUS], Status.UNMET),  # exactly half
        ([CITIZEN, PAID, OTHER_STATUS], Status.UNMET),
        ([CITIZEN], Status.MET),
        ([], Status.UNMET),
    ],
)
def test_3_board_majority_domiciled_citizen_or_resident_and_volunteer(board, status):
    result = finding(evaluated(org(board=board)), "board_majority_qualified")
    assert result.status is status


def test_3_board_majority_lookup_counts_every_member_as_the_property_does():
    members = list(_QUALIFIES_BY_MEMBER)
    assert len(members) == 2 * len(BoardStatus) * 2
    assert sum(_QUALIFIES_BY_MEMBER.values()) == 2  # domiciled, volunteer: two statuses
    assert all(_QUALIFIES_BY_MEMBER[m] == bool(m.qualifies) for m in members)
    # Built outside the contract (an int, a plain string): not in the table, same count.
    outside = (BoardMember(2, "citizen", True), BoardMember(True, "permanent_resident", 1))
    board = (*outside, BoardMember(False, BoardStatus.CITIZEN, True))
    base = dossier()
    changed = msgspec.structs.replace(base, organization=base.organization._replace(board=board))
    result = _board_majority(CRITERIA_BY_CODE["board_majority_qualified"], changed, None)
    assert result.message.startswith("2 membre(s) sur 3")


def test_3_board_majority_message_counts_the_members():
    message = finding(
        evaluated(org(board=[CITIZEN, RESIDENT, ABROAD])), "board_majority_qualified"
    ).message
    assert message.startswith("2 membre(s) sur 3")


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("commitments_respected_last_3_years", "commitments_respected"),
        ("annual_general_meeting_held", "annual_general_meeting"),
        ("head_office_in_quebec", "head_office_in_quebec"),
    ],
)
def test_3_facts_decided_conditions_are_unmet_when_false(field, code):
    assert finding(evaluated(org(**{field: True})), code).status is Status.MET
    evaluation = evaluated(org(**{field: False}))
    assert finding(evaluation, code).status is Status.UNMET
    assert evaluation.eligibility is Eligibility.INELIGIBLE


@pytest.mark.parametrize(
    ("category", "words"),
    [
        ("professional_order", "ordre professionnel"),
        ("political_organization", "organisation politique"),
        ("union", "organisation syndicale"),
        ("religious_association", "caractère religieux"),
        ("fundraising_foundation", "fondation"),
        ("other_ministry_mission", "autre ministère"),
        ("members_interest_only", "intérêts particuliers"),
        ("created_by_public_body", "instance publique"),
    ],
)
def test_4_an_excluded_category_makes_the_dossier_ineligible_and_says_which(category, words):
    evaluation = evaluated(org(excluded_category=category), judgments=all_judgments())
    result = finding(evaluation, "not_excluded_category")
    assert result.status is Status.UNMET
    assert words in result.message
    assert evaluation.eligibility is Eligibility.INELIGIBLE
    assert evaluation.amount.amount == 0


def test_4_refugee_reception_is_the_exception_to_another_ministrys_mission():
    changes = org(
        excluded_category="other_ministry_mission",
        refugee_reception=True,
        refugees_received_per_year=80,
    )
    result = finding(evaluated(changes), "not_excluded_category")
    assert result.status is Status.MET
    assert "exception" in result.message


def test_4_the_refugee_exception_does_not_cover_other_categories():
    changes = org(excluded_category="religious_association", refugee_reception=True)
    assert finding(evaluated(changes), "not_excluded_category").status is Status.UNMET


@pytest.mark.parametrize(
    ("debt", "agreement", "status"),
    [
        (0, "none", Status.MET),
        (False, "none", Status.MET),
        (1500, "none", Status.UNMET),
        (1500, "respected", Status.MET),
        (1500, "not_respected", Status.UNMET),
        (True, "none", Status.UNMET),
    ],
)
def test_4_debt_to_the_ministry_without_a_respected_repayment_agreement(debt, agreement, status):
    changes = org(debt_to_ministry=debt, repayment_agreement=agreement)
    assert finding(evaluated(changes), "no_unsettled_debt").status is status


def test_4_debt_message_states_the_sum_owed():
    message = finding(evaluated(org(debt_to_ministry=1500)), "no_unsettled_debt").message
    assert "1\u202f500\u00a0$" in message


def _regions(count):
    return [f"{n:02d}" for n in range(1, count + 1)]


@pytest.mark.parametrize(
    ("count", "status"), [(9, Status.MET), (17, Status.MET), (8, Status.TO_VERIFY)]
)
def test_2_3_members_from_the_majority_of_the_17_regions(count, status):
    changes = {**STREAM2, "organization": {"member_regions": _regions(count)}}
    result = finding(evaluated(changes), "stream2_member_regions")
    assert result.status is status
    assert f"{count} des 17" in result.message


def test_2_3_a_region_listed_twice_counts_once():
    changes = {**STREAM2, "organization": {"member_regions": [*_regions(8), "01"]}}
    assert finding(evaluated(changes), "stream2_member_regions").status is Status.TO_VERIFY


@pytest.mark.parametrize(("met", "status"), [(True, Status.MET), (False, Status.UNMET)])
def test_2_3_the_advisor_judges_the_exception_of_the_sectors_majority(met, status):
    judgment = {"stream2_member_regions": {"met": met, "justification": "Secteur restreint."}}
    changes = {**STREAM2, "organization": {"member_regions": _regions(8)}, "judgments": judgment}
    result = finding(evaluated(changes), "stream2_member_regions")
    assert result.status is status
    assert "Secteur restreint." in result.message


@pytest.mark.parametrize("stream", [1, 2])
def test_criteria_left_to_the_advisor_are_to_verify_never_silently_met(stream):
    changes = STREAM2 if stream == 2 else {}
    evaluation = evaluated(changes)
    pending = [f for f in evaluation.findings if f.criterion.kind is not Kind.FACTS]
    assert pending
    assert all(f.status is Status.TO_VERIFY for f in pending)
    assert evaluation.eligibility is Eligibility.TO_VERIFY


@pytest.mark.parametrize("stream", [1, 2])
def test_eligible_once_every_judgment_is_made_and_every_fact_is_met(stream):
    changes = STREAM2 if stream == 2 else {}
    evaluation = evaluated(changes, judgments=all_judgments(stream))
    assert {f.status for f in evaluation.findings} == {Status.MET}
    assert evaluation.eligibility is Eligibility.ELIGIBLE


def test_3_one_judgment_unmet_makes_the_dossier_ineligible_with_its_justification():
    judgments = all_judgments()
    judgments["community_rooted"] = {"met": False, "justification": "Aucun lien avec le milieu."}
    evaluation = evaluated(judgments=judgments)
    result = finding(evaluation, "community_rooted")
    assert result.status is Status.UNMET
    assert result.message.endswith("Aucun lien avec le milieu.")
    assert evaluation.eligibility is Eligibility.INELIGIBLE


def test_an_unmet_fact_outweighs_criteria_still_to_verify():
    evaluation = evaluated(org(head_office_in_quebec=False))
    assert evaluation.eligibility is Eligibility.INELIGIBLE
