"""French slips found in the pages (issue 10): « 1er », plurals, clauses, hours, subjects."""

import html
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import formats

from soutien.core.templatetags.french import clause_label, jour


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2019, 12, 1), "1er décembre 2019"),
        (date(2019, 12, 2), "2 décembre 2019"),
        (date(2020, 6, 30), "30 juin 2020"),
        ("2020-06-30", "30 juin 2020"),
        (datetime(2019, 12, 1, 12, tzinfo=ZoneInfo("America/Montreal")), "1er décembre 2019"),
        (None, ""),
    ],
)
def test_dates_are_written_in_words_with_1er(value, text):
    assert jour(value) == text


def test_the_filter_is_used_by_the_pages():
    rendered = Template("{% load french %}{{ day|jour }}").render(
        Context({"day": date(2019, 4, 1)})
    )
    assert rendered == "1er avril 2019"


@pytest.mark.parametrize(
    ("clause", "label"),
    [("Volet 1, 1.3", "Volet 1, clause 1.3"), ("6.1.3", "Clause 6.1.3"), ("Volet 2", "Volet 2")],
)
def test_a_clause_is_named_once(clause, label):
    assert clause_label(clause) == label


def test_hours_are_written_16_h_04():
    assert formats.date_format(time(16, 4, 36), "TIME_FORMAT") == "16\xa0h\xa004"
    moment = datetime(2019, 12, 2, 16, 4, 36)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "2 décembre 2019, 16\xa0h\xa004"


def test_the_invitation_subject_is_not_html_escaped():
    class Organization:
        legal_name = "Carrefour d'accueil de l'Estrie"

    subject = render_to_string(
        "organizations/emails/invitation_subject.txt", {"organization": Organization()}
    )
    assert "Carrefour d'accueil de l'Estrie" in subject
    assert "&#x27;" not in subject and html.unescape(subject) == subject
