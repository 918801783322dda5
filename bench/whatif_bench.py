"""Benchmark of the norms what-if (issue 15): 5 000 frozen dossiers replayed under the version
in force and the hypothetical example, then the envelope allocated under each (not a test).

Pure rules path (`soutien.rules.whatif.replay`), the facts as the database's JSON gives them
back; target: under 3 s. Writes bench/results/whatif.json. Options: --count, --seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from rules_bench import synthetic_dossier
from soutien.core.jsonutil import loads
from soutien.rules import all_norms
from soutien.rules.jsonio import dumps
from soutien.rules.norms_draft import read_draft
from soutien.rules.whatif import Replayable, replay, totals

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "normes-hypothetiques-2018-2020.toml"
RESULTS = Path(__file__).with_name("results") / "whatif.json"
TARGET_SECONDS = 3.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    items = [
        Replayable(
            n, f"B-{n}", f"{n % 17 + 1:02d}", loads(dumps(synthetic_dossier(rng, n)).decode())
        )
        for n in range(args.count)
    ]
    draft = read_draft(EXAMPLE.read_bytes()).norms
    assert draft is not None
    start = time.perf_counter()
    result = replay(items, base=all_norms()[0], draft=draft, available=Decimal("20000000"))
    totals(result.dossiers, "tier")
    totals(result.dossiers, "region")
    seconds = time.perf_counter() - start
    figures = {
        "dossiers": args.count,
        "replayed": len(result.dossiers),
        "not_replayed": len(result.not_replayed),
        "changed": sum(1 for d in result.dossiers if d.changed),
        "seconds": round(seconds, 3),
        "target_seconds": TARGET_SECONDS,
    }
    print(
        f"what-if, {args.count} dossiers under both versions: {seconds:.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s); {figures['changed']} changed, "
        f"{figures['not_replayed']} not replayed"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
