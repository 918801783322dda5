import pytest
from django.core.exceptions import ValidationError

from soutien.applications import actions
from soutien.applications.models import Application, State
from soutien.core.models import JournalEntry, RecordsAreKept
from soutien.core.workflow import StateChangedOutsideWorkflow, TransitionNotAllowed
from tests.factories import at, make_application, make_user, submit_complete

pytestmark = pytest.mark.django_db


def test_transition_saves_state_and_writes_journal_entry_in_one_go():
    advisor = make_user()
    application = make_application(by=advisor)
    submit_complete(application, by=advisor)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    entry = (
        JournalEntry.objects.for_subject(application).filter(action="application.submitted").get()
    )
    assert (entry.from_state, entry.to_state, entry.actor) == ("draft", "submitted", advisor)
    assert entry.at == at(2019, 2, 2)
    assert entry.data == {"missing_documents": []}


def test_transition_not_in_table_is_refused_in_french():
    advisor = make_user()
    application = make_application(by=advisor)
    with pytest.raises(TransitionNotAllowed) as error:
        actions.request_correction(application, by=advisor, at=at(2019, 2, 3), reason="x")
    assert "Impossible de passer à l'état « À corriger » depuis l'état « Brouillon »" in str(
        error.value.messages[0]
    )
    assert not JournalEntry.objects.filter(action="application.correction_requested").exists()


def test_reason_is_required_where_the_table_says_so():
    advisor = make_user()
    application = submit_complete(make_application(by=advisor), by=advisor)
    with pytest.raises(ValidationError) as error:
        actions.request_correction(application, by=advisor, at=at(2019, 2, 3), reason="  ")
    assert error.value.message_dict == {"reason": ["Le motif est requis pour cette opération."]}
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_state_changed_outside_transition_is_refused():
    application = make_application()
    application.state = State.ACCEPTED
    with pytest.raises(StateChangedOutsideWorkflow):
        application.save()


def test_state_change_by_queryset_update_is_refused():
    make_application()
    with pytest.raises(StateChangedOutsideWorkflow):
        Application.objects.update(state=State.ACCEPTED)


def test_new_record_starts_in_the_initial_state():
    application = make_application()
    clone = Application(
        organization=application.organization,
        fiscal_year=2018,
        stream=1,
        deadline_at=application.deadline_at,
        state=State.ACCEPTED,
    )
    with pytest.raises(StateChangedOutsideWorkflow):
        clone.save()


def test_all_transitions_of_the_application_table_are_known_moves():
    edges = Application.workflow.edges()
    assert ("draft", "submitted") in edges
    assert ("accepted", "draft") not in edges
    assert all(source not in {"accepted", "refused", "withdrawn"} for source, _ in edges)


def test_journal_is_append_only():
    application = make_application()
    entry = JournalEntry.objects.for_subject(application).get()
    entry.reason = "changed"
    with pytest.raises(RecordsAreKept):
        entry.save()
    with pytest.raises(RecordsAreKept):
        entry.delete()
    with pytest.raises(RecordsAreKept):
        JournalEntry.objects.update(reason="x")
    with pytest.raises(RecordsAreKept):
        JournalEntry.objects.all().delete()


def test_business_records_are_never_hard_deleted():
    application = make_application()
    with pytest.raises(RecordsAreKept):
        application.delete()
    with pytest.raises(RecordsAreKept):
        Application.objects.all().delete()
    assert Application.objects.count() == 1


def test_history_records_who_changed_what():
    advisor = make_user()
    application = make_application(by=advisor)
    submit_complete(application, by=advisor)
    history = list(application.history.order_by("history_date"))
    assert [h.state for h in history] == ["draft", "submitted"]
    assert history[-1].history_user == advisor
    assert [h.history_type for h in history] == ["+", "~"]
