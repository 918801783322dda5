"""A draft version of the norms tried on a campaign (issue 15, item 2): a report, no decision.

The dossiers are replayed from their frozen snapshots (`Evaluation.facts`), never from
today's records; nothing is written to them. Adopting a version is a deployment of a file
into `soutien/rules/norms/` (docs/decisions/019-norms-what-if.md).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from soutien.accounts.access import Capability, require
from soutien.accounts.models import User
from soutien.evaluations.models import Evaluation
from soutien.evaluations.models import State as EvaluationState
from soutien.rules import FiscalYear, all_norms
from soutien.rules.allocation import Allocation
from soutien.rules.facts import Territory
from soutien.rules.norms import NORMS_DIR, Norms
from soutien.rules.norms_draft import Draft, read_draft
from soutien.rules.whatif import Replayable, compare_norms, replay, totals

from . import ledger
from .models import NormsTrial, RegionReference


def sha256(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _file_of(norms: Norms) -> Path:
    """The deployed file of a version in force (its hash goes in the report)."""
    import tomllib

    for path in sorted(NORMS_DIR.glob("*.toml")):
        if tomllib.loads(path.read_text(encoding="utf-8")).get("version") == norms.version:
            return path
    raise LookupError(norms.version)


def base_of(draft: Draft) -> Norms:
    """The version in force the draft is compared with: the one it supersedes, else the one
    covering its first fiscal year, else the latest."""
    versions = all_norms()
    assert draft.norms is not None
    for norms in versions:
        if norms.version == draft.supersedes:
            return norms
    first = min(draft.norms.fiscal_years)
    covering = [n for n in versions if first in n.fiscal_years]
    return (covering or list(versions))[-1]


def comparison(draft: Draft) -> list[dict[str, Any]]:
    assert draft.norms is not None
    return [change._asdict() for change in compare_norms(base_of(draft), draft.norms)]


def campaign_items(fiscal_year: int, stream: int) -> list[Replayable]:
    """The latest completed evaluation of each application of the campaign, with its frozen
    facts (one query; the region groups, the territory ranks new attachment requests)."""
    rows = (
        Evaluation.objects.filter(
            state=EvaluationState.COMPLETED,
            application__fiscal_year=fiscal_year,
            application__stream=stream,
        )
        .order_by("application_id", "-completed_at", "-pk")
        .values_list(
            "pk",
            "application_id",
            "application__reference",
            "application__organization__legal_name",
            "application__organization__region_id",
            "application__organization__region__name",
            "application__territory_attached_organizations",
            "application__territory_immigrant_population",
            "facts",
        )
    )
    references = {
        r.region_id: Territory(r.attached_organizations, r.immigrant_population)
        for r in RegionReference.objects.all()
    }
    items, seen = [], set()
    for pk, application, reference, name, region, region_name, attached, population, facts in rows:
        if application in seen:
            continue
        seen.add(application)
        if attached is not None and population is not None:
            territory: Territory | None = Territory(attached, population)
        else:
            territory = references.get(region)
        label = f"{reference or application} — {name}"
        items.append(Replayable(pk, label, f"{region} {region_name}", facts, territory))
    return items


def _allocation_json(allocation: Allocation) -> dict[str, Any]:
    return {
        "available": allocation.available,
        "requested": allocation.requested,
        "funded": allocation.funded,
        "shortfall": allocation.shortfall,
        "unused": allocation.unused,
        "funded_dossiers": sum(1 for line in allocation.lines if line.funded),
        "unfunded_dossiers": sum(1 for line in allocation.lines if not line.funded),
    }


def _totals_json(table: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"key": key, "before": before._asdict(), "after": after._asdict()}
        for key, (before, after) in table.items()
    ]


@transaction.atomic
def try_norms(
    *,
    draft_text: str,
    draft_name: str,
    fiscal_year: FiscalYear,
    stream: int,
    by: User,
    at: datetime,
) -> NormsTrial:
    """Replay the campaign under the version in force and the draft; save the report."""
    require(by, Capability.ALLOCATE)
    draft = read_draft(draft_text)
    if draft.norms is None:
        raise ValidationError([str(problem) for problem in draft.problems], code="draft_refused")
    base = base_of(draft)
    credits = ledger.balance(fiscal_year=fiscal_year.start_year, stream=stream).credits
    result = replay(
        campaign_items(fiscal_year.start_year, stream),
        base=base,
        draft=draft.norms,
        available=max(credits, Decimal(0)),
    )
    dossiers = [
        {
            "key": d.key,
            "label": d.label,
            "region": d.region,
            "before": d.before._asdict(),
            "after": d.after._asdict(),
            "changed": d.changed,
        }
        for d in result.dossiers
    ]
    figures = {
        "comparison": comparison(draft),
        "dossiers": dossiers,
        "not_replayed": [n._asdict() for n in result.not_replayed],
        "allocation": {
            "before": _allocation_json(result.before),
            "after": _allocation_json(result.after),
        },
        "by_tier": _totals_json(totals(result.dossiers, "tier")),
        "by_region": _totals_json(totals(result.dossiers, "region")),
    }
    trial = NormsTrial(
        created_at=at,
        created_by=by,
        fiscal_year=fiscal_year.start_year,
        stream=stream,
        draft_name=draft_name[:200] or _("projet de normes"),
        draft_text=draft_text,
        draft_version=draft.norms.version,
        draft_sha256=sha256(draft_text),
        base_version=base.version,
        base_sha256=sha256(_file_of(base).read_bytes()),
        available=result.before.available,
        dossiers=len(result.dossiers),
        changed=sum(1 for d in result.dossiers if d.changed),
        not_replayed=len(result.not_replayed),
        figures=figures,
    )
    trial.save()
    return trial
