"""The locks satisfy pyproject.toml: a dependency changed without `make lock` fails here."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^ ;\\]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for match in PIN.finditer((ROOT / "requirements" / lock).read_text(encoding="utf-8")):
        found.setdefault(canonicalize_name(match["name"]), set()).add(match["version"])
    return found


def build_requirements() -> list[str]:
    lines = (ROOT / "requirements" / "build.in").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


RUN = [*PYPROJECT["project"]["dependencies"], *build_requirements()]
DEV = [*RUN, *PYPROJECT["project"]["optional-dependencies"]["dev"]]


@pytest.mark.parametrize(
    ("lock", "requirement"),
    [("run.lock", r) for r in RUN] + [("dev.lock", r) for r in DEV],
)
def test_each_requirement_of_pyproject_is_pinned_in_the_lock(lock, requirement):
    wanted = Requirement(requirement)
    versions = pins(lock).get(canonicalize_name(wanted.name), set())
    assert versions, f"{wanted.name} is not in requirements/{lock}: run `make lock`"
    assert all(wanted.specifier.contains(v, prereleases=True) for v in versions), (
        f"requirements/{lock} pins {wanted.name}=={', '.join(sorted(versions))}, "
        f"outside {wanted.specifier}: run `make lock`"
    )


@pytest.mark.parametrize("lock", ["run.lock", "dev.lock"])
def test_every_pin_of_a_lock_carries_its_hashes(lock):
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert entries
    for entry in entries:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_ruff_is_pinned_exactly():
    (ruff,) = [r for r in PYPROJECT["project"]["optional-dependencies"]["dev"] if "ruff" in r]
    assert str(Requirement(ruff).specifier).startswith("==")
