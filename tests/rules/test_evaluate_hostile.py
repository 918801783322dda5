"""`soutien-mission evaluate` on hostile input and output: a French message, the documented
exit status (2 unreadable input, 3 unwritable results), never a traceback nor half a JSON
document."""

import errno
import json
import subprocess
import sys

import pytest

from soutien.rules import cli
from soutien.rules.jsonio import dumps

from .factories import dossier_json

COMMAND = [sys.executable, "-m", "soutien", "evaluate"]


def shell(command_line, **kwargs):
    """The command in a shell, for redirections a user types (`>&-`, `| head`)."""
    return subprocess.run(
        ["bash", "-c", command_line], capture_output=True, text=True, timeout=60, check=False,
        **kwargs,
    )  # fmt: skip


def run(*args, stdin=None):
    return subprocess.run(
        [*COMMAND, *map(str, args)], capture_output=True, input=stdin, timeout=60, check=False
    )


def command_line(*args):
    return " ".join([*COMMAND, *map(str, args)])


@pytest.fixture
def batch(tmp_path):
    """Enough dossiers that the results take more than one write."""
    path = tmp_path / "lot.json"
    path.write_bytes(dumps([dossier_json(id=f"T-{n}") for n in range(2500)]))
    return path


def assert_french_refusal(completed, status, *words):
    stderr = completed.stderr if isinstance(completed.stderr, str) else completed.stderr.decode()
    assert completed.returncode == status, stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in stderr


@pytest.mark.parametrize(
    "content",
    [
        b'{"id": "\\ud800"}',
        # In a batch: the good dossiers before it must not leave half an array on stdout.
        b"[" + dumps(dossier_json()) + b', {"id": "x", "name": "\\udfff"}]',
    ],
)
def test_a_lone_surrogate_is_refused_before_anything_is_written(tmp_path, content):
    path = tmp_path / "d.json"
    path.write_bytes(content)
    completed = run(path)
    assert_french_refusal(completed, cli.EXIT_UNREADABLE, "demi-codet isolé")
    assert completed.stdout == b""


def test_a_valid_surrogate_pair_is_an_ordinary_character(tmp_path):
    path = tmp_path / "d.json"
    path.write_bytes(dumps(dossier_json()).replace(b'"T-1"', b'"T-\\ud83d\\ude00"'))
    completed = run(path)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)[0]["id"] == "T-😀"


def test_a_duplicate_key_is_refused_and_named(tmp_path):
    path = tmp_path / "d.json"
    path.write_bytes(b'[{"id": "A", "id": "B"}]')
    completed = run(path)
    assert_french_refusal(completed, cli.EXIT_UNREADABLE, "« id » apparaît deux fois")
    assert completed.stdout == b""


def test_a_byte_order_mark_is_named(tmp_path):
    path = tmp_path / "d.json"
    path.write_bytes(b"\xef\xbb\xbf" + dumps(dossier_json()))
    assert_french_refusal(run(path), cli.EXIT_UNREADABLE, "BOM", "UTF-8 sans BOM")


def test_a_directory_is_not_a_file(tmp_path):
    assert_french_refusal(run(tmp_path), cli.EXIT_UNREADABLE, "c'est un dossier")


def test_a_missing_file_is_named(tmp_path):
    completed = run(tmp_path / "absent.json")
    assert_french_refusal(completed, cli.EXIT_UNREADABLE, "absent.json", "n'existe pas")


def test_an_unreadable_file_says_permission_refused(tmp_path, monkeypatch, capsys):
    # In-process: tests may run as root, for whom chmod 000 still reads.
    path = tmp_path / "d.json"
    path.write_bytes(dumps(dossier_json()))

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(cli, "open", refuse, raising=False)
    assert cli.main([str(path)]) == cli.EXIT_UNREADABLE
    stderr = capsys.readouterr().err
    assert "permission refusée" in stderr
    assert "Permission denied" not in stderr


def test_no_english_os_reason_for_the_common_errors():
    for code in (errno.ENOENT, errno.EISDIR, errno.EACCES, errno.ENOSPC, errno.EPIPE):
        reason = cli.os_reason(OSError(code, "English"))
        assert "English" not in reason


def test_closed_stdout(batch):
    completed = shell(f"{command_line(batch)} >&-")
    assert_french_refusal(completed, cli.EXIT_UNWRITABLE, "sortie standard est fermée")


def test_broken_pipe(batch):
    completed = shell(f"{command_line(batch)} | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}")
    assert_french_refusal(completed, cli.EXIT_UNWRITABLE, "l'a fermée")


def test_full_output(batch):
    completed = shell(f"{command_line(batch)} >/dev/full")
    assert_french_refusal(completed, cli.EXIT_UNWRITABLE, "plus d'espace")


def test_closed_stdin():
    completed = shell(f"{command_line('-')} <&-")
    assert_french_refusal(completed, cli.EXIT_UNREADABLE, "entrée standard", "fermée")


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"[{", "L'entrée standard n'est pas du JSON valide"),
        (b"\xff\xfe", "L'entrée standard n'est pas encodée en UTF-8"),
    ],
)
def test_stdin_refusals_name_the_source_with_its_article(stdin, message):
    completed = run("-", stdin=stdin)
    assert_french_refusal(completed, cli.EXIT_UNREADABLE, message)
    assert "Le entrée" not in completed.stderr.decode()


def test_stdin_still_reads_a_batch():
    completed = run("-", stdin=dumps([dossier_json()]))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)[0]["id"] == "T-1"


def test_a_result_that_cannot_be_written_is_an_error_entry_not_half_a_document(tmp_path):
    # An integer beyond 64 bits echoed back as the id cannot be written by orjson.
    path = tmp_path / "d.json"
    path.write_bytes(b'[{"id": 123456789012345678901234567890}, ' + dumps(dossier_json()) + b"]")
    completed = run(path)
    results = json.loads(completed.stdout)
    assert len(results) == 2
    assert completed.returncode == cli.EXIT_DOSSIER_ERROR
