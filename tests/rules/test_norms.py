"""The norms as versioned data (the 2018-2020 file, its dates and its amounts)."""

import shutil
from datetime import date
from decimal import Decimal

import pytest

from soutien.rules.fiscal import FiscalYear, InvalidFiscalYear
from soutien.rules.norms import (
    NORMS_DIR,
    NoNormsInForce,
    NormsFileError,
    all_norms,
    norms_text,
    select_norms,
)
from soutien.rules.text import french_date

FY_2018 = FiscalYear(2018)
FY_2019 = FiscalYear(2019)


@pytest.mark.parametrize(
    ("name", "fiscal_year", "expected"),
    [
        ("refugee_floor_small", FY_2018, "34891"),
        ("refugee_floor_large", FY_2018, "40925"),
        ("volunteer_amount_min", FY_2018, "25300"),
        ("volunteer_amount_max", FY_2018, "50600"),
        ("other_attached_floor", FY_2018, "27324"),
        ("refugee_floor_small", FY_2019, "35309"),
        ("refugee_floor_large", FY_2019, "41416"),
        ("volunteer_amount_min", FY_2019, "25604"),
        ("volunteer_amount_max", FY_2019, "51207"),
        ("other_attached_floor", FY_2019, "27652"),
        ("refugee_floor_threshold", FY_2019, "150"),
        ("surplus_ratio", FY_2019, "0.50"),
        ("public_funding_cap_ratio", FY_2019, "0.90"),
        ("audit_threshold", FY_2019, "125000"),
        ("compilation_ceiling", FY_2019, "25000"),
        ("agreement_max_years", FY_2019, "3"),
        ("termination_notice_days", FY_2019, "30"),
        ("records_retention_years", FY_2019, "6"),
    ],
)
def test_6_1_1_and_others_parameters_take_the_descriptifs_values(name, fiscal_year, expected):
    values = select_norms(fiscal_year, date(2019, 1, 15))
    assert getattr(values, name) == Decimal(expected)


def test_6_2_installment_months_are_november_and_march():
    assert select_norms(FY_2019, date(2019, 1, 15)).installment_months == (11, 3)


def test_every_parameter_cites_a_clause_and_a_french_label():
    for norms in all_norms():
        for parameter in norms.parameters.values():
            assert parameter.clause
            assert parameter.label and parameter.label[0].isupper()


def test_assumptions_are_marked_in_the_norms_file():
    (norms,) = all_norms()
    assert set(norms.assumptions) == {
        "volunteer_amount_scale",
        "historic_funding_keeps_additional_amount",
        "new_attachment_ranking",
        "report_due_days",
    }
    assert all("Hypothèse" in text for text in norms.assumptions.values())


def test_end_the_last_day_of_the_norms_is_in_force():
    values = select_norms(FY_2019, date(2020, 6, 30))
    assert values.norms.version == "2018-2020"


def test_end_the_norms_file_quotes_the_descriptifs_title_and_end_date():
    (norms,) = all_norms()
    text = norms.text()
    assert text == norms_text("2018-2020")
    assert "Programme Soutien à la mission" in norms.title and "2018-2020" in norms.title
    assert text.startswith(" 1. DESCRIPTION DU PROGRAMME")
    # The descriptif's last sentence is the end date the file declares.
    last_sentence = f"CES NORMES PRENDRONT FIN LE {french_date(norms.ends_on).upper()}."
    assert " ".join(text.split()).endswith(last_sentence)


def test_the_text_of_an_unknown_version_is_an_explicit_error():
    with pytest.raises(NoNormsInForce, match="2099-2100"):
        norms_text("2099-2100")


def test_end_the_day_after_the_norms_is_an_explicit_error():
    with pytest.raises(NoNormsInForce) as error:
        select_norms(FY_2019, date(2020, 7, 1))
    assert "30 juin 2020" in error.value.message


@pytest.mark.parametrize("label", ["2017-2018", "2020-2021"])
def test_a_fiscal_year_with_no_amounts_in_the_norms_is_an_explicit_error(label):
    with pytest.raises(NoNormsInForce) as error:
        select_norms(FiscalYear.parse(label), date(2019, 1, 15))
    assert label in error.value.message


def test_a_later_version_of_the_norms_is_a_new_file_not_a_code_change(tmp_path):
    shutil.copy(NORMS_DIR / "2018-2020.toml", tmp_path / "2018-2020.toml")
    later = (NORMS_DIR / "2018-2020.toml").read_text(encoding="utf-8")
    later = (
        later.replace('version = "2018-2020"', 'version = "2020-2023"')
        .replace("ends_on = 2020-06-30", "starts_on = 2020-07-01\nends_on = 2023-03-31")
        .replace('fiscal_years = ["2018-2019", "2019-2020"]', 'fiscal_years = ["2020-2021"]')
        .replace('{ effective = 2019-04-01, value = "27652" }', '{ effective = 2020-04-01, value = "28000" }')
    )  # fmt: skip
    (tmp_path / "2020-2023.toml").write_text(later, encoding="utf-8")

    values = select_norms(FiscalYear(2020), date(2020, 9, 1), directory=tmp_path)
    assert values.norms.version == "2020-2023"
    assert values.other_attached_floor == Decimal("28000")
    # The older version still answers for its own years.
    older = select_norms(FY_2019, date(2019, 9, 1), directory=tmp_path)
    assert older.other_attached_floor == Decimal("27652")


def test_a_norms_file_missing_a_parameter_is_refused(tmp_path):
    text = (NORMS_DIR / "2018-2020.toml").read_text(encoding="utf-8")
    text = text.replace("[parameters.surplus_ratio]", "[parameters.renamed_ratio]")
    (tmp_path / "broken.toml").write_text(text, encoding="utf-8")
    with pytest.raises(NormsFileError, match="surplus_ratio"):
        all_norms(tmp_path)


def test_6_1_1_a_volunteer_scale_that_does_not_reach_the_maximum_is_refused(tmp_path):
    text = (NORMS_DIR / "2018-2020.toml").read_text(encoding="utf-8")
    text = text.replace('[300, "51207"]', '[300, "51000"]')
    (tmp_path / "broken.toml").write_text(text, encoding="utf-8")
    with pytest.raises(NormsFileError, match="volunteer_amount_scale"):
        all_norms(tmp_path)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2019, 3, 31), "2018-2019"),
        (date(2019, 4, 1), "2019-2020"),
        (date(2020, 3, 31), "2019-2020"),
        (date(2020, 4, 1), "2020-2021"),
    ],
)
def test_fiscal_years_run_april_1_to_march_31(day, label):
    assert FiscalYear.containing(day).label == label
    assert FiscalYear.parse(label).starts_on <= day <= FiscalYear.parse(label).ends_on


@pytest.mark.parametrize("label", ["2019-2021", "2019", "19-20", "", "2019/2020"])
def test_a_malformed_fiscal_year_is_refused(label):
    with pytest.raises(InvalidFiscalYear):
        FiscalYear.parse(label)
