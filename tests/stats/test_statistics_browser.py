import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_statistics_page_draws_charts_and_the_reference_date_changes_the_figures(page, app_url, console_errors,
                                                                                  screenshot):
    page.goto(f"{app_url}/statistik/")
    page.wait_for_selector("#chart-rates[data-drawn]")
    assert page.locator("#chart-trend[data-drawn]").count() == 1
    assert page.locator("#chart-buckets[data-drawn]").count() == 1
    today = page.inner_text("#summary")
    screenshot("statistik")
    page.fill("input[name=date]", "2020-06-30")
    page.click("#stats-filter button[type=submit]")
    page.wait_for_url("**date=2020-06-30**")
    page.wait_for_selector("#chart-rates[data-drawn]")
    assert "30.06.2020" in page.inner_text("#summary") and page.inner_text("#summary") != today
    page.goto(f"{app_url}/statistik/gera-innenstadt/")
    page.wait_for_selector("#chart-trend[data-drawn]")
    screenshot("statistik-gera")
    assert console_errors == []
