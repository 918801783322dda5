"""`soutien-mission evaluate`: the JSON contract, on good and bad input, as a user runs it."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import fastjsonschema
import pytest

from soutien.rules.cli import main
from soutien.rules.contract import SCHEMA_PATH
from soutien.rules.jsonio import dumps

from .factories import STREAM2, all_judgments, dossier_json

ROOT = Path(__file__).resolve().parents[2]
RESULT_KEYS = {
    "id", "eligibility", "findings", "priority", "amount", "amount_lines", "cap_applied",
    "surplus_flag", "financial_report_type", "installments", "norms",
}  # fmt: skip


def write(tmp_path, data, name="dossiers.json"):
    path = tmp_path / name
    path.write_bytes(dumps(data))
    return path


def run_command(*args, stdin=None):
    """The installed command, as a user types it, in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "soutien", "evaluate", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        check=False,
    )


def test_evaluates_an_array_of_dossiers_and_prints_the_contracts_fields(tmp_path):
    path = write(tmp_path, [dossier_json(), dossier_json(STREAM2, id="T-2")])
    completed = run_command(path)
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout, parse_float=Decimal)
    assert [r["id"] for r in results] == ["T-1", "T-2"]
    for result in results:
        assert RESULT_KEYS <= result.keys()
        assert result["norms"] == "2018-2020"
        assert all(
            {"clause", "criterion", "status", "message"} <= f.keys() for f in result["findings"]
        )
    assert results[0]["amount"] == Decimal("27652")
    assert results[0]["installments"] == [
        {"month": "2019-11", "amount": Decimal("13826.00"), "clause": "6.2"},
        {"month": "2020-03", "amount": Decimal("13826.00"), "clause": "6.2"},
    ]
    assert results[1]["priority"]["tier"] == 2


def test_a_single_dossier_object_gives_an_array_of_one_result(tmp_path):
    completed = run_command(write(tmp_path, dossier_json(judgments=all_judgments())))
    assert completed.returncode == 0
    (result,) = json.loads(completed.stdout)
    assert result["eligibility"] == "eligible"


def test_amounts_are_printed_as_exact_decimals(tmp_path, capsys):
    changes = {"organization": {"refugee_reception": True, "refugees_received_per_year": 10}}
    path = write(tmp_path, dossier_json(changes))
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    # 35 309 + 26 457 = 61 766 $; halves: 30 883,00 $
    assert '"amount":61766,' in out
    assert '"amount":30883.00,' in out


def test_a_bad_dossier_gets_a_french_error_and_the_others_are_still_evaluated(tmp_path):
    bad = dossier_json(id="BAD")
    del bad["organization"]["board"]
    path = write(tmp_path, [dossier_json(), bad, dossier_json(id="T-3")])
    completed = run_command(path)
    assert completed.returncode == 1
    results = json.loads(completed.stdout)
    assert [r["id"] for r in results] == ["T-1", "BAD", "T-3"]
    assert results[1] == {
        "id": "BAD",
        "error": "Le champ « organization.board » est requis.",
    }
    assert "amount" in results[0] and "amount" in results[2]
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fiscal_year": "2019-2021"}, "fiscal_year"),
        ({"fiscal_year": "2019"}, "fiscal_year"),
        ({"application_date": "2019-02-30"}, "application_date"),
        ({"application_date": "15/02/2019"}, "application_date"),
        ({"stream": 3}, "stream"),
        ({"organization": {"legal_form": "cooperative"}}, "organization.legal_form"),
        ({"organization": {"refugees_received_per_year": -1}}, "organization.refugees_received_per_year"),
        ({"organization": {"refugees_received_per_year": 1.5}}, "organization.refugees_received_per_year"),
        ({"organization": {"head_office_in_quebec": "oui"}}, "organization.head_office_in_quebec"),
        ({"organization": {"board": [{"domiciled_in_quebec": True, "status": "x", "volunteer": True}]}}, "organization.board[0].status"),
        ({"organization": {"member_regions": ["18"]}}, "organization.member_regions[0]"),
        ({"finances": {"estimated_operating_costs": -10}}, "finances.estimated_operating_costs"),
        ({"finances": {"total_expenses": "100"}}, "finances.total_expenses"),
        ({"finances": {"total_expenses": Decimal("100.001")}}, "finances.total_expenses"),
        ({"judgments": {"unknown_code": {"met": True, "justification": "x"}}}, "judgments.unknown_code"),
        ({"judgments": {"head_office_in_quebec": {"met": True, "justification": "x"}}}, "judgments.head_office_in_quebec"),
        ({"judgments": {"stream2_member_regions": {"met": True, "justification": "x"}}}, "judgments.stream2_member_regions"),
        ({"judgments": {"community_rooted": {"met": True, "justification": "  "}}}, "judgments.community_rooted.justification"),
        ({"stream": 2, "stream2_amount": 1000, "organization": {"member_regions": None}}, "organization.member_regions"),
        ({"stream": 2, "stream2_amount": None}, "stream2_amount"),
    ],
)  # fmt: skip
def test_an_invalid_field_is_named_in_the_french_error(tmp_path, capsys, change, field):
    path = write(tmp_path, dossier_json(change))
    assert main([str(path)]) == 1
    (result,) = json.loads(capsys.readouterr().out)
    assert result["id"] == "T-1"
    assert f"« {field} »" in result["error"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"fiscal_year": "2020-2021", "application_date": "2020-02-15"}, "2020-2021"),
        ({"application_date": "2020-07-01"}, "30 juin 2020"),
    ],
)
def test_no_norms_in_force_is_an_error_for_that_dossier(tmp_path, capsys, change, words):
    path = write(tmp_path, [dossier_json(change), dossier_json(id="T-2")])
    assert main([str(path)]) == 1
    results = json.loads(capsys.readouterr().out)
    assert words in results[0]["error"]
    assert results[1]["id"] == "T-2" and "error" not in results[1]


def test_an_entry_that_is_not_a_dossier_is_an_error_without_id(tmp_path, capsys):
    assert main([str(write(tmp_path, [5, dossier_json()]))]) == 1
    results = json.loads(capsys.readouterr().out)
    assert results[0] == {"id": None, "error": "Le dossier doit être un objet JSON."}


@pytest.mark.parametrize(
    "content",
    ['{"id": 1,', "not json", '[{"id": NaN}]', "", "[" * 100000],
)
def test_unreadable_json_exits_2_with_a_french_message_and_no_traceback(tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    completed = run_command(path)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "n'est pas du JSON valide" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_missing_file_exits_2_with_a_french_message(tmp_path):
    completed = run_command(tmp_path / "absent.json")
    assert completed.returncode == 2
    assert "Impossible de lire le fichier" in completed.stderr


def test_a_file_that_is_not_utf8_exits_2(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"id": "é"}'.encode("latin-1"))
    completed = run_command(path)
    assert completed.returncode == 2
    assert "UTF-8" in completed.stderr


def test_reads_standard_input_with_a_dash():
    completed = run_command("-", stdin=dumps(dossier_json()).decode())
    assert completed.returncode == 0
    assert json.loads(completed.stdout)[0]["id"] == "T-1"


def test_without_a_file_argument_prints_a_french_usage():
    completed = run_command()
    assert completed.returncode == 2
    assert completed.stderr.startswith("Usage :")


def test_the_published_schema_is_the_one_the_command_validates_with():
    published = ROOT / "docs" / "schemas" / "dossier.schema.json"
    assert json.loads(published.read_text()) == json.loads(SCHEMA_PATH.read_text())


def test_the_documented_example_follows_the_schema_and_evaluates(capsys):
    example = ROOT / "docs" / "examples" / "dossiers.json"
    validate = fastjsonschema.compile(json.loads(SCHEMA_PATH.read_text()))
    for dossier in json.loads(example.read_text(), parse_float=Decimal):
        validate(dossier)
    assert main([str(example)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_the_django_management_command_gives_the_same_output(tmp_path, capsys):
    from django.core.management import call_command

    path = write(tmp_path, dossier_json())
    call_command("evaluate", str(path))
    via_django = capsys.readouterr().out
    main([str(path)])
    assert via_django == capsys.readouterr().out
