"""The geometry of the server-drawn bar charts (issue 15, item 1)."""

from decimal import Decimal

import pytest

from soutien.budget.charts import BAR_SPAN, PATTERNS, bar_chart, bar_width


@pytest.mark.parametrize(
    ("value", "maximum", "span", "width"),
    [
        (Decimal("0"), Decimal("100"), 400, 0),
        (Decimal("100"), Decimal("100"), 400, 400),
        (Decimal("50"), Decimal("100"), 400, 200),
        # half up: 1/3 of 400 is 133.33…, 5/8 of 4 is 2.5
        (Decimal("1"), Decimal("3"), 400, 133),
        (Decimal("5"), Decimal("8"), 4, 3),
        # a value above zero is never drawn as nothing
        (Decimal("0.01"), Decimal("1000000"), 400, 1),
        (Decimal("-5"), Decimal("100"), 400, 0),
        (3, 0, 400, 0),
        (2, 4, 10, 5),
    ],
)
def test_bar_width_is_an_exact_share_rounded_half_up(value, maximum, span, width):
    assert bar_width(value, maximum, span) == width


def test_bars_of_a_chart_share_one_scale_and_write_their_values():
    chart = bar_chart(
        id="c",
        title="Titre",
        description="Description",
        series=["Engagé", "Versé"],
        categories=[("Estrie", [Decimal("200"), Decimal("100")]), ("Laval", [Decimal("50"), 0])],
        text=lambda v: f"{v} $",
    )
    estrie, laval = chart.groups
    assert [b.width for b in estrie.bars] == [BAR_SPAN, BAR_SPAN // 2]
    assert [b.width for b in laval.bars] == [bar_width(50, 200), 0]
    assert [b.text for b in estrie.bars] == ["200 $", "100 $"]
    # series told apart by pattern, not by colour alone, with a legend
    assert [b.pattern for b in estrie.bars] == list(PATTERNS[:2])
    assert [item.series for item in chart.legend] == ["Engagé", "Versé"]
    # bars never overlap, the canvas holds them all
    ys = [b.y for g in chart.groups for b in g.bars]
    assert ys == sorted(set(ys)) and chart.height > ys[-1]
    assert all(b.text_x > b.x + b.width for g in chart.groups for b in g.bars)


def test_an_empty_chart_has_no_bars():
    chart = bar_chart(id="c", title="T", description="D", series=["Dossiers"], categories=[])
    assert chart.groups == () and chart.legend == ()
