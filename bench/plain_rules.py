"""Plain-Python peer of rules_bench: the amount rules only, written straightforwardly.

It computes what OpenFisca computed (6.1.1 to 6.1.4, the report type of clause 8 and the
installments of 6.2), without eligibility and without importing `soutien`, so that the
command's CPU time can be read as a ratio to it, measured in the same run on the same data.
Usage: python bench/plain_rules.py FILE > out.json
"""

from __future__ import annotations

import datetime
import gc
import itertools
import json
import sys
import tomllib
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

NORMS = Path(__file__).parent.parent / "src/soutien/rules/norms/2018-2020.toml"
ZERO = Decimal("0")


def load_values(fiscal_year: str) -> dict:
    """Each parameter's value effective on April 1 of the fiscal year."""
    with NORMS.open("rb") as file:
        parameters = tomllib.load(file)["parameters"]
    start = datetime.date(int(fiscal_year[:4]), 4, 1)
    values = {}
    for name, parameter in parameters.items():
        dated = [v for v in parameter["values"] if v["effective"] <= start]
        values[name] = max(dated, key=lambda v: v["effective"])["value"]
    return values


def money(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def dollar_down(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_DOWN)


def volunteer_amount(refugees: int, scale: list) -> Decimal:
    points = [(Decimal(x), Decimal(y)) for x, y in scale]
    count = Decimal(refugees)
    if count <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if count <= x1:
            amount = y0 + (y1 - y0) * (count - x0) / (x1 - x0)
            return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return points[-1][1]


def compute(dossier: dict, v: dict) -> dict:
    org = dossier["organization"]
    fin = dossier["finances"]
    if dossier["stream"] == 2:
        subtotal = dollar_down(money(dossier["stream2_amount"]))  # 6.1.2
    else:
        # 6.1.1: the floor, historic funding (note 2), the volunteer amount.
        refugees = org.get("refugees_received_per_year", 0)
        if org["refugee_reception"]:
            large = refugees >= int(v["refugee_floor_threshold"])
            floor = Decimal(v["refugee_floor_large"] if large else v["refugee_floor_small"])
        else:
            floor = Decimal(v["other_attached_floor"])
        subtotal = floor
        keeps_additional = True
        historic = org.get("historic_funding")
        if org.get("transferred_from_other_ministry") and historic is not None:
            historic = dollar_down(money(historic))
            if historic > floor:
                subtotal = historic
                keeps_additional = v["historic_funding_keeps_additional_amount"]
        if org["refugee_reception"] and keeps_additional:
            subtotal += volunteer_amount(refugees, v["volunteer_amount_scale"])

    # 6.1.3: the surplus flag and the advisor's downward revision.
    ratio = Decimal(v["surplus_ratio"])
    surplus = money(fin["unrestricted_net_assets"]) > ratio * money(fin["total_expenses"])
    revision = dossier.get("surplus_revision")
    if revision is not None and surplus:
        subtotal -= min(dollar_down(money(revision["amount"])), subtotal)

    # 6.1.4: the cap on public funding.
    cap_ratio = Decimal(v["public_funding_cap_ratio"])
    limit = cap_ratio * money(fin["estimated_operating_costs"]) - money(fin["other_public_funding"])
    cap_applied = subtotal > limit
    if cap_applied:
        subtotal = max(ZERO, dollar_down(limit))

    # 8: the financial report, from all the Québec funding including this amount.
    quebec = money(fin["quebec_government_funding_other"]) + subtotal
    if quebec >= Decimal(v["audit_threshold"]):
        report = "audit"
    elif quebec > Decimal(v["compilation_ceiling"]):
        report = "review"
    else:
        report = "compilation"

    # 6.2: equal parts in November and March, to the cent, adding up.
    parts = []
    if subtotal > ZERO:
        start = int(dossier["fiscal_year"][:4])
        months = v["installment_months"]
        part = (subtotal / len(months)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for i, month in enumerate(months):
            year = start if month >= 4 else start + 1
            last = i == len(months) - 1
            parts.append([f"{year}-{month:02d}", subtotal - part * i if last else part])

    return {
        "id": dossier["id"],
        "amount": subtotal,
        "cap_applied": cap_applied,
        "surplus_flag": surplus,
        "financial_report_type": report,
        "installments": parts,
    }


def main() -> None:
    # As the evaluate command does for its batch: without it the collector rescans the whole
    # input held in memory, a cost that is not the rules'.
    gc.disable()
    with open(sys.argv[1], encoding="utf-8") as file:
        dossiers = json.load(file, parse_float=Decimal)
    values = {}
    results = []
    for dossier in dossiers:
        year = dossier["fiscal_year"]
        if year not in values:
            values[year] = load_values(year)
        results.append(compute(dossier, values[year]))
    sys.stdout.write(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
