"""One rounding for vacancy rates: map labels, statistics pages and the report show the same figure."""

from django.utils import translation

from registry.formats import format_rate
from registry.stats.templatetags.stats_format import percent


def test_rates_round_half_up_everywhere():
    for fraction, german in [(0.29166, "29,2 %"), (0.2915, "29,2 %"), (0.29149, "29,1 %"), (0.12, "12,0 %")]:
        assert format_rate(fraction) == percent(fraction) == german
    assert format_rate(None) == "–"


def test_rates_follow_the_page_language():
    with translation.override("en"):
        assert format_rate(0.29166) == "29.2 %"
