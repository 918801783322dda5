"""The nine documents that accompany an application (5.1)."""

from soutien.rules.documents import DOCUMENTS_BY_CODE, REQUIRED_DOCUMENTS
from soutien.rules.eligibility import CRITERIA


def test_5_1_nine_documents_each_with_a_french_title_and_description():
    assert len(REQUIRED_DOCUMENTS) == 9
    assert len(DOCUMENTS_BY_CODE) == 9
    for document in REQUIRED_DOCUMENTS:
        assert document.clause == "5.1"
        assert document.title[0].isupper()
        assert document.description.endswith(".")


def test_5_1_every_criterion_proven_by_a_document_names_one_of_the_nine():
    named = {c.document for c in CRITERIA if c.document is not None}
    assert named <= DOCUMENTS_BY_CODE.keys()


def test_3_commitments_message_takes_its_period_from_the_norms():
    from .factories import evaluated, finding

    assert "3 dernières années" in finding(evaluated(), "commitments_respected").message
