"""The streaming batch of `evaluate`: arrays and JSON Lines read one dossier at a time, the
compact form, and the typed reader giving exactly the reference path's results."""

import io
import json
from datetime import date
from decimal import Decimal
from unittest import mock

from hypothesis import given, reject, settings
from hypothesis import strategies as st

from soutien.rules import batch, cli, eligibility, stream, typed
from soutien.rules.amount import AmountError
from soutien.rules.batch import COMPACT_FORMAT, result_of, run_batch
from soutien.rules.contract import DossierError, evaluate_one, parse_dossier
from soutien.rules.eligibility import (
    CRITERIA_BY_CODE,
    JUDGEABLE,
    assess_with_eligibility,
    overall,
)
from soutien.rules.evaluation import evaluate
from soutien.rules.jsonio import dumps
from soutien.rules.norms import NoNormsInForce, select_norms
from soutien.rules.stream import BLOCK, Item, array_items, first_byte

from .factories import STREAM2, all_judgments, dossier_json


def batch_of(count, **changes):
    return [dossier_json(id=f"T-{n}", **changes) for n in range(count)]


def reference(documents):
    return [json.loads(dumps(evaluate_one(d)), parse_float=Decimal) for d in documents]


def run(data: bytes, **options):
    out = io.BytesIO()
    had_errors = run_batch(io.BytesIO(data), out, **options)
    return had_errors, out.getvalue()


def jsonl(documents):
    return b"\n".join(dumps(d) for d in documents) + b"\n"


def test_an_array_streams_to_the_same_results_as_the_reference_path():
    documents = [*batch_of(3), dossier_json(STREAM2, id="V2"), dossier_json(id="E", stream=3)]
    had_errors, output = run(dumps(documents))
    assert had_errors
    assert json.loads(output, parse_float=Decimal) == reference(documents)


def test_json_lines_in_give_json_lines_out_one_result_per_line(tmp_path, capsys):
    documents = batch_of(3)
    path = tmp_path / "lot.jsonl"
    path.write_bytes(b"\n" + jsonl(documents) + b"\n\n")  # blank lines are skipped
    assert cli.main([str(path), "--jsonl"]) == cli.EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line, parse_float=Decimal) for line in lines] == reference(documents)


def test_json_lines_without_a_final_newline_reads_the_last_line():
    had_errors, output = run(jsonl(batch_of(2)).rstrip(b"\n"), jsonl=True)
    assert not had_errors
    assert [json.loads(line)["id"] for line in output.splitlines()] == ["T-0", "T-1"]


def test_compact_results_are_codes_and_statuses_with_the_texts_once_in_the_header():
    documents = [dossier_json(judgments=all_judgments()), dossier_json(STREAM2, id="V2")]
    _, output = run(dumps(documents), compact=True)
    compact = json.loads(output, parse_float=Decimal)
    full = reference(documents)
    header = compact["criteria"]
    assert compact["format"] == COMPACT_FORMAT
    assert header["main_mission"]["title"] == CRITERIA_BY_CODE["main_mission"].title
    assert compact["priority_tiers"]["2"].startswith("Regroupement national")
    for result, expected in zip(compact["results"], full, strict=True):
        assert result["criteria"] == {f["criterion"]: f["status"] for f in expected["findings"]}
        assert set(result["criteria"]) <= set(header)
        assert result["amount"] == expected["amount"]
        assert result["priority"] == expected["priority"]["tier"]
        assert result["financial_report_type"] == expected["financial_report_type"]
        assert result["installments"] == [
            [i["month"], i["amount"]] for i in expected["installments"]
        ]
        assert "message" not in output.decode().split('"results"')[1]


def test_compact_json_lines_start_with_the_header_line():
    _, output = run(jsonl(batch_of(2)), compact=True, jsonl=True)
    first, *results = output.splitlines()
    assert json.loads(first)["header"]["format"] == COMPACT_FORMAT
    assert [json.loads(line)["id"] for line in results] == ["T-0", "T-1"]


def test_a_malformed_line_in_the_middle_is_an_error_naming_it_and_the_others_are_evaluated(
    tmp_path, capsys
):
    lines = jsonl(batch_of(2)).split(b"\n")
    path = tmp_path / "lot.jsonl"
    path.write_bytes(b"\n".join([lines[0], b'{"id": "X", ', lines[1]]) + b"\n")
    assert cli.main([str(path), "--jsonl"]) == cli.EXIT_DOSSIER_ERROR
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in results] == ["T-0", None, "T-1"]
    assert results[1]["error"].startswith("La ligne 2 n'est pas du JSON valide (colonne")
    assert "amount" in results[0] and "amount" in results[2]


def test_a_duplicate_key_on_a_line_is_refused_for_that_line():
    data = jsonl(batch_of(1)) + b'{"id": "A", "id": "B"}\n'
    had_errors, output = run(data, jsonl=True)
    second = json.loads(output.splitlines()[1])
    assert had_errors
    assert second["error"] == (
        "La ligne 2 n'est pas acceptée : la clé « id » apparaît deux fois dans le même objet."
    )


def test_an_array_broken_after_the_first_block_keeps_what_was_written_and_names_where(
    tmp_path, capsys
):
    # More than a block of results: those are written before the break is read.
    documents = batch_of(400)
    data = dumps(documents)[:-1] + b', {"id": "Z",, }]'
    path = tmp_path / "lot.json"
    path.write_bytes(data)
    assert cli.main([str(path)]) == cli.EXIT_UNREADABLE
    captured = capsys.readouterr()
    written = json.loads(captured.out)  # closed: still one JSON document
    assert 0 < len(written) <= 400
    assert [r["id"] for r in written] == [f"T-{n}" for n in range(len(written))]
    assert "n'est pas du JSON valide (dossier n° 401, ligne 1, colonne" in captured.err
    assert "Traceback" not in captured.err


def test_a_duplicate_key_in_an_array_names_the_dossier(tmp_path, capsys):
    path = tmp_path / "lot.json"
    path.write_bytes(b"[" + dumps(dossier_json()) + b',\n {"id": "A", "id": "B"}]')
    assert cli.main([str(path)]) == cli.EXIT_UNREADABLE
    captured = capsys.readouterr()
    assert captured.out == ""  # within the first block: refused as a whole
    assert "« id » apparaît deux fois" in captured.err
    assert "(dossier n° 2, ligne 2, colonne 2)" in captured.err


class TrickleSource:
    """A pipe that hands over a few bytes at a time and records how much was read."""

    def __init__(self, data: bytes, size: int = 4096):
        self.data, self.size, self.read_bytes = data, size, 0

    def read(self, _size: int = -1) -> bytes:
        chunk = self.data[self.read_bytes : self.read_bytes + self.size]
        self.read_bytes += len(chunk)
        return chunk


def test_the_reader_yields_the_first_dossier_before_the_input_is_read():
    data = dumps(batch_of(300))
    source = TrickleSource(data)
    first, _ = first_byte(source)
    items = array_items(source, first)
    item = next(items)
    assert json.loads(item.raw)["id"] == "T-0"
    assert source.read_bytes < len(data) // 10
    assert result_of(item, compact=True)["id"] == "T-0"
    assert sum(1 for _ in items) == 299


def test_results_are_written_while_the_input_is_still_being_read():
    data = dumps(batch_of(3 * BLOCK // 1000))  # about three blocks of full results
    source = TrickleSource(data, size=1 << 16)

    class Out(io.BytesIO):
        read_when_first_written = None

        def write(self, chunk):
            if self.read_when_first_written is None:
                self.read_when_first_written = source.read_bytes
            return super().write(chunk)

    out = Out()
    run_batch(source, out)
    assert out.read_when_first_written < len(data) // 2
    assert len(json.loads(out.getvalue())) == 3 * BLOCK // 1000


money = st.decimals(min_value=0, max_value=900_000, places=2, allow_nan=False)


@st.composite
def dossiers(draw):
    stream = draw(st.sampled_from([1, 2]))
    changes = [STREAM2] if stream == 2 else []
    refugee = stream == 1 and draw(st.booleans())
    organization = {
        "legal_form": draw(st.sampled_from(["qc_companies_part3", "canada_nfp", "other"])),
        "incorporation_date": draw(st.dates()).isoformat(),
        "head_office_in_quebec": draw(st.booleans()),
        "majority_of_activities_in_quebec": draw(st.booleans()),
        "excluded_category": draw(st.sampled_from([None, "union", "other_ministry_mission"])),
        "annual_general_meeting_held": draw(st.booleans()),
        "debt_to_ministry": draw(st.booleans() | money | st.integers(0, 10_000)),
        "repayment_agreement": draw(st.sampled_from(["none", "respected", "not_respected"])),
        "commitments_respected_last_3_years": draw(st.booleans()),
        "board": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "domiciled_in_quebec": st.booleans(),
                        "status": st.sampled_from(["citizen", "permanent_resident", "other"]),
                        "volunteer": st.booleans(),
                    }
                ),
                max_size=9,
            )
        ),
        "refugee_reception": refugee,
        "refugees_received_per_year": draw(st.integers(0, 500)) if refugee else 0,
        "attached_to_ministry": draw(st.booleans()),
        "transferred_from_other_ministry": draw(st.booleans()),
        "historic_funding": draw(st.none() | money),
    }
    finances = {
        name: draw(money)
        for name in (
            "estimated_operating_costs",
            "other_public_funding",
            "quebec_government_funding_other",
            "total_expenses",
        )
    }
    finances["unrestricted_net_assets"] = draw(money) - draw(money)
    top = {
        "id": draw(st.text(min_size=1, max_size=8) | st.integers(0, 10**9)),
        "fiscal_year": draw(st.sampled_from(["2018-2019", "2019-2020", "2020-2021"])),
        "application_date": draw(st.dates(min_value=date(2017, 1, 1))).isoformat(),
    }
    judgeable = sorted(JUDGEABLE - {"stream2_member_regions"})
    codes = draw(st.lists(st.sampled_from(judgeable), max_size=4, unique=True))
    if codes:
        top["judgments"] = {
            code: {
                "met": draw(st.booleans()),
                "justification": draw(st.text(min_size=1, max_size=9)),
            }
            for code in codes
        }
    if draw(st.booleans()):
        top["surplus_revision"] = {"amount": draw(money), "justification": "Besoins réels."}
    if draw(st.booleans()):
        top["agreement_year"] = draw(st.sampled_from([1, 2, 3, 0, 4, True, "2", None]))
    if draw(st.booleans()):
        top["surplus_withdrawal"] = {"amount": draw(money), "justification": "Surplus persistant."}
    if draw(st.booleans()):
        top["territory"] = {
            "attached_organizations": draw(st.integers(0, 5)),
            "immigrant_population": draw(st.integers(0, 10**6)),
        }
    return dossier_json(*changes, {"organization": organization, "finances": finances}, **top)


@settings(max_examples=400, deadline=None)
@given(dossiers())
def test_the_typed_streaming_path_gives_the_reference_results(data):
    raw = dumps(data)
    expected = dumps(evaluate_one(cli.read_json(raw.decode())))
    item = Item(1, raw, 1, 1)
    assert dumps(result_of(item, compact=False)) == expected
    compact = json.loads(dumps(result_of(item, compact=True)), parse_float=Decimal)
    full = json.loads(expected, parse_float=Decimal)
    if "error" in full:
        assert compact == full
    else:
        assert compact["criteria"] == {f["criterion"]: f["status"] for f in full["findings"]}
        assert compact["amount"] == full["amount"]
        assert compact["eligibility"] == full["eligibility"]


def test_a_block_may_end_anywhere_even_inside_a_character():
    # Reads of 1 to 13 bytes cut every text, number (« 110865. », « - »), literal and
    # two-byte « é » somewhere.
    documents = [
        dossier_json(
            STREAM2,
            {"finances": {"unrestricted_net_assets": Decimal("-1250.55")}},
            {"finances": {"other_public_funding": Decimal("110865.25")}},
            id=f"É-{n}",
            stream2_justification="Fixé d'après l'historique — vérifié.",
            judgments={"main_mission": {"met": True, "justification": "Vérifié été."}},
        )
        for n in range(3)
    ]
    data = dumps(documents)
    for size in range(1, 14):
        source = TrickleSource(data, size=size)
        first, _ = first_byte(source)
        read = [json.loads(item.raw) for item in array_items(source, first)]
        assert read == json.loads(data), size


def test_the_django_management_command_passes_the_new_options(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "lot.jsonl"
    path.write_bytes(jsonl(batch_of(2)))
    call_command("evaluate", str(path), "--jsonl", "--compact")
    via_django = capsys.readouterr().out
    cli.main([str(path), "--jsonl", "--compact"])
    assert via_django == capsys.readouterr().out
    assert via_django.splitlines()[0].startswith('{"header":')


def test_a_dossier_in_error_reads_the_same_in_the_compact_form():
    missing_board = dossier_json(id="B")
    del missing_board["organization"]["board"]
    documents = [
        dossier_json(id="S", stream=3),
        missing_board,
        dossier_json(id="N", application_date="2020-07-01"),
        5,
    ]
    had_errors, output = run(dumps(documents), compact=True)
    assert had_errors
    assert json.loads(output)["results"] == reference(documents)


@settings(max_examples=200, deadline=None)
@given(dossiers(), st.dates(), st.integers(0, 9), st.integers(0, 9))
def test_the_findings_table_gives_what_each_criterion_decides(data, incorporated, good, bad):
    # The second dossier has the first's key in the table but its own board and dates: the
    # two findings put in their places, and the eligibility, are its own.
    # Norms in force, no revision: the dossiers the rules evaluate, seldom refused below.
    data.update(fiscal_year="2019-2020", application_date="2019-02-15")
    data.pop("surplus_revision", None)
    try:
        first = parse_dossier(data)
        select_norms(first.fiscal_year, first.application_date)
    except (DossierError, NoNormsInForce):
        reject()  # the table is for the dossiers the rules evaluate
    member = {"domiciled_in_quebec": True, "status": "citizen", "volunteer": True}
    board = [member] * good + [{**member, "volunteer": False}] * bad
    data["organization"] = {**data["organization"], "board": board}
    data["organization"]["incorporation_date"] = incorporated.isoformat()
    second = parse_dossier(data)
    for dossier in (first, second, first):
        values = select_norms(dossier.fiscal_year, dossier.application_date)
        findings = eligibility._assess_each(dossier, values)
        assert assess_with_eligibility(dossier, values) == (findings, overall(findings))


@settings(max_examples=200, deadline=None)
@given(dossiers())
def test_an_evaluation_without_labels_has_the_same_amounts(data):
    # The compact form writes no amount line: it skips their labels, never their figures.
    # The facts criteria met, so that the amount is computed (cap, surplus, revision).
    member = {"domiciled_in_quebec": True, "status": "citizen", "volunteer": True}
    data["organization"].update(
        legal_form="qc_companies_part3",
        incorporation_date="2000-01-01",
        annual_general_meeting_held=True,
        head_office_in_quebec=True,
        commitments_respected_last_3_years=True,
        board=[member] * 3,
        excluded_category=None,
        debt_to_ministry=False,
    )
    try:
        dossier = parse_dossier(data)
    except DossierError:
        reject()
    outcomes = []
    for explain in (True, False):
        try:
            evaluation = evaluate(dossier, explain=explain)
        except (NoNormsInForce, AmountError) as error:
            outcomes.append(error.message)
            continue
        amount = evaluation._replace(amount=None)
        lines = [(line.clause, line.value) for line in evaluation.amount.lines]
        outcomes.append((amount, evaluation.amount._replace(lines=None), lines))
    assert outcomes[0] == outcomes[1]


@settings(max_examples=200, deadline=None)
@given(dossiers(), st.text())
def test_msgspec_writes_the_results_as_orjson_did(data, text):
    # The batch writes with msgspec; orjson (jsonio.dumps) wrote the same bytes before.
    data["id"] = text  # any text: escapes, control characters, astral planes
    item = Item(1, dumps(data), 1, 1)
    for compact in (False, True):
        result = result_of(item, compact=compact, written=True)
        assert batch._ENCODE(result) == dumps(result)


# --- Runs of dossiers decoded whole (stream.array_items with typed.read_block) ------------


def one_at_a_time(monkeypatch, data: bytes, **options):
    """The batch's output when no run is taken whole: every dossier read alone."""
    with monkeypatch.context() as patch:
        patch.setattr(batch, "read_block", lambda raw: None)
        return run(data, **options)


def counting_blocks(monkeypatch):
    taken = []

    def read(raw):
        dossiers = typed.read_block(raw)
        if dossiers is not None:
            taken.append(len(dossiers))
        return dossiers

    monkeypatch.setattr(batch, "read_block", read)
    return taken


def test_runs_taken_whole_give_byte_for_byte_the_results_of_one_at_a_time(monkeypatch):
    documents = batch_of(2500)  # about three blocks of input
    # Among them, what the typed reader leaves to the reference path (a text for an amount,
    # a colon in a text), a text holding what looks like the next dossier's start, and a
    # dossier whose first key is another.
    documents[700]["finances"]["total_expenses"] = "12 000"
    documents[1200]["stream2_justification"] = 'Voir }, {"id": "faux", plus loin.'
    documents[1201] = {"fiscal_year": documents[1201].pop("fiscal_year"), **documents[1201]}
    documents[1800]["stream2_justification"] = "Historique : vérifié."
    data = dumps(documents)
    assert len(data) > 2 * BLOCK
    expected = one_at_a_time(monkeypatch, data)
    assert run(data, compact=True) == one_at_a_time(monkeypatch, data, compact=True)
    taken = counting_blocks(monkeypatch)
    assert run(data) == expected
    # A run holding a dossier the typed reader leaves is read one at a time, the others whole.
    assert 0 < sum(taken) < 2500
    had_errors, output = expected
    results = json.loads(output)
    assert had_errors and len(results) == 2500
    assert "error" in results[700] and "error" not in results[1200]


@settings(max_examples=60, deadline=None)
@given(st.lists(dossiers(), min_size=1, max_size=6), st.integers(1, 4096), st.booleans())
def test_runs_cut_anywhere_give_the_results_of_one_at_a_time(documents, size, pretty):
    data = json.dumps(json.loads(dumps(documents)), indent=2 if pretty else None).encode()

    def through(block):
        out = io.BytesIO()
        source = TrickleSource(data, size=size)
        with mock.patch.object(batch, "read_block", block):
            had_errors = run_batch(source, out)
        return had_errors, out.getvalue()

    assert through(typed.read_block) == through(lambda raw: None)


def test_a_run_is_guessed_to_end_before_the_next_dossier_s_opening():
    data = b'[{"id": "A", "t": "}, {\\"id\\""}, {"id": "B"}, {"id": "C"'
    cut = stream._block_cut(data, 1)
    assert data[1:cut] == b'{"id": "A", "t": "}, {\\"id\\""}, {"id": "B"}'
    assert stream._block_cut(b'[{"id": "A"}', 1) == -1  # no next opening: read alone
    assert stream._block_cut(b"[1, 2, 3]", 1) == -1


def test_an_array_broken_inside_a_later_run_names_the_dossier_line_and_column(tmp_path, capsys):
    text = dumps(batch_of(2500)).replace(b'"id":"T-1999",', b'"id":"T-1999",,')
    path = tmp_path / "lot.json"
    path.write_bytes(text.replace(b'},{"id":"T-2000"', b'},\n  {"id":"T-2000"'))
    assert cli.main([str(path)]) == cli.EXIT_UNREADABLE
    captured = capsys.readouterr()
    written = json.loads(captured.out)
    assert [r["id"] for r in written] == [f"T-{n}" for n in range(1999)]  # all before
    column = text.index(b",,") + 2  # the second comma, on the first line
    assert f"(dossier n° 2000, ligne 1, colonne {column})" in captured.err


def test_dossiers_whose_first_keys_differ_give_the_results_of_one_at_a_time(monkeypatch):
    # The first dossier's opening never recurs: no run is cut, each is read alone.
    documents = batch_of(1500)
    for n, document in enumerate(documents[1:], start=1):
        documents[n] = {"fiscal_year": document.pop("fiscal_year"), **document}
    data = dumps(documents)
    assert run(data) == one_at_a_time(monkeypatch, data)
