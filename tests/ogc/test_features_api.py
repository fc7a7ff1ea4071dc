"""OGC API – Features with the real clients analysts use, over a live server: GDAL's OAPIF driver and OWSLib."""

import os
import subprocess
from urllib.parse import unquote_plus

import pytest

from registry.listings.models import Listing
from registry.units.models import Unit

pytestmark = pytest.mark.django_db(transaction=False)


def ogr(url, *options, env=None, root="/ogc/"):
    result = subprocess.run(["ogrinfo", "-ro", "-al", "-q", *options, f"OAPIF:{url}{root}", "units"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return result.stdout


def analyst_env(token):
    return {"GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": f"analyst:{token}"}


def test_gdal_reads_every_public_feature_across_pages(app_url):
    output = ogr(app_url, "-oo", "PAGE_SIZE=10")  # 70 listings → 7 keyset pages
    assert output.count("OGRFeature(units)") == Listing.objects.public().count()


def test_gdal_with_a_token_reads_the_analyst_tier_also_when_challenged(app_url, committed_token):
    for root in ("/ogc/", "/ogc/auth/"):
        output = ogr(app_url, "-oo", "PAGE_SIZE=2000", env=analyst_env(committed_token), root=root)
        assert output.count("OGRFeature(units)") == Unit.objects.count()
        assert "owner_email" not in output


def test_gdal_pushes_where_and_spat_down_and_types_fields_from_the_schema(app_url, committed_token, server_log,
                                                                         erfurt_market):
    env = analyst_env(committed_token)
    output = ogr(app_url, "-oo", "PAGE_SIZE=1000", "-where", "status = 'vacant'", env=env)
    assert output.count("OGRFeature(units)") == Unit.objects.filter(status="vacant").count()
    filters = [unquote_plus(query) for path, query in server_log if path.endswith("/items")]
    # the first request only establishes the layer's fields; every page after it carries the filter
    assert len(filters) > 1 and all("filter=status = 'vacant'" in query for query in filters[1:]), filters

    server_log.clear()
    x, y = erfurt_market.x, erfurt_market.y
    output = ogr(app_url, "-oo", "PAGE_SIZE=1000", "-spat", str(x - 0.01), str(y - 0.01), str(x + 0.01),
                 str(y + 0.01), env=env)
    from django.contrib.gis.geos import Polygon
    box = Polygon.from_bbox((x - 0.01, y - 0.01, x + 0.01, y + 0.01))
    assert output.count("OGRFeature(units)") == Unit.objects.filter(location__intersects=box).count() > 0
    pages = [query for path, query in server_log if path.endswith("/items")]
    assert len(pages) > 1 and all("bbox=" in query for query in pages[1:]), pages

    # types come from /schema/feature, not from the first page: here every vacant_since on it is empty
    summary = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{app_url}/ogc/?status=occupied", "units"],
                             capture_output=True, text=True, timeout=120, env={**os.environ, **env}).stdout
    for line in ("vacant_since: Date", "floor_area: Real", "vacancy_days: Integer", "step_free: Integer(Boolean)",
                 "postcode: String"):
        assert line in summary, summary


def test_owslib_reads_api_conformance_queryables_and_filters(app_url):
    from owslib.ogcapi.features import Features

    api = Features(f"{app_url}/ogc/")
    document = api.api()
    assert document["openapi"].startswith("3.0")
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter" in api.conformance()["conformsTo"]
    queryables = api.collection_queryables("units")
    assert "status" in queryables["properties"] and "owner_email" not in queryables["properties"]
    page = api.collection_items("units", filter="floor_area > 100", limit=500)
    expected = Listing.objects.public().filter(unit__floor_area__gt=100).count()
    assert page["numberMatched"] == expected == len(page["features"])


def test_gdal_as_city_manager_reads_the_own_municipalities_and_public_listings_without_contacts(
        app_url, committed_token_for, users):
    from registry.accounts import access

    token = committed_token_for("stadt-erfurt")
    output = ogr(app_url, "-oo", "PAGE_SIZE=2000", env={"GDAL_HTTP_AUTH": "BASIC",
                                                         "GDAL_HTTP_USERPWD": f"stadt-erfurt:{token}"})
    visible = access.units_visible_to(users["stadt-erfurt"], Unit.objects.all())
    own = Unit.objects.filter(municipality_id__in=access.managed_municipality_ids(users["stadt-erfurt"])).count()
    assert output.count("OGRFeature(units)") == visible.count() > own > 0  # + other towns' published listings
    assert "owner_email" not in output and "internal_note" not in output
