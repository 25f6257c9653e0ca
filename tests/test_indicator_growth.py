"""What a target asks for (annotations/views.py growth_needed, issue 15): a
yearly rate is compared in percentage points once, a share moves by points a
year, a stock by a compound rate; a flow beside a five-year total by nothing."""
from __future__ import annotations

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def ui():
    from labels import labels

    return labels({"LABELS_PATH": str(ROOT / "theme" / "labels.yml")})


def value(year, number):
    return {"year": year, "value": number}


def test_a_rate_target_reads_as_percentage_points_not_a_growth_of_the_rate(ui):
    from annotations.views import growth_kind, growth_needed

    gdp_growth = {"unit": "%", "growth": "gap"}
    assert growth_needed(growth_kind(gdp_growth), value(2021, 6.4), value(2022, 7), ui) == "需比2021年提高0.6个百分点"


def test_a_share_moves_by_points_a_year_and_a_stock_by_a_compound_rate(ui):
    from annotations.views import growth_kind, growth_needed

    assert growth_kind({"unit": "%"}) == "points" and growth_kind({"unit": "亿元"}) == "compound"
    assert growth_needed("points", value(2021, 2.45), value(2026, 3.4), ui) == "每年需提高0.19个百分点"
    assert growth_needed("compound", value(2021, 5786), value(2026, 8000), ui) == "年均需增长6.7%"
    assert growth_needed("none", value(2021, 1451), value(2022, 280), ui) == ""


def test_taizhou_growth_never_reads_as_a_shrinking_flow():
    """No yearly flow compared with a five-year total (年均需增长-80.7%)."""
    from build import load_settings
    from labels import labels
    from library.resolve import resolve

    from annotations.views import indicator_views

    settings = load_settings()
    growth = [v["growth"] for i in indicator_views(resolve(settings), labels(settings)) for v in i["values_sorted"]
              if v.get("growth")]
    shrinking = [g for g in growth if g.startswith("年均需增长-") and float(g.split("增长")[1].rstrip("%")) < -5]
    assert growth and shrinking == []
