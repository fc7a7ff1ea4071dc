"""An uploaded survey never makes the server fetch anything (blind SSRF through GDAL).

A GeoJSON may name its CRS by a link or a URL; GDAL 3.6 would fetch that URL (following redirects)
from the web process and the import worker. A listener on this machine counts what reaches it.
"""

import http.server
import json
import threading

import pytest

from registry.imports import readers


@pytest.fixture
def listener():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "/again")
            self.end_headers()

        do_HEAD = do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def _collection(crs):
    return {"type": "FeatureCollection", "crs": crs, "features": [
        {"type": "Feature", "properties": {"Straße": "Anger", "Hausnr.": "1"},
         "geometry": {"type": "Point", "coordinates": [11.03, 50.97]}}]}


@pytest.mark.parametrize("crs", [
    lambda url: {"type": "link", "properties": {"href": url + "/crs.wkt", "type": "ogcwkt"}},
    lambda url: {"type": "url", "properties": {"url": url + "/crs"}},
    lambda url: {"type": "name", "properties": {"name": url + "/name"}},
    lambda url: {"type": "EPSG", "properties": {"code": 4326}, "href": url},
], ids=["link", "url", "name", "epsg-with-href"])
def test_a_crs_pointing_at_a_url_is_not_fetched(tmp_path, listener, crs):
    url, hits = listener
    path = tmp_path / "erhebung.geojson"
    path.write_text(json.dumps(_collection(crs(url))), encoding="utf-8")
    try:
        table = readers.read(path)
        list(table.records())
    except readers.ImportFileError:
        pass  # refusing the file is fine; fetching is not
    assert hits == []


def test_a_vsicurl_path_inside_a_zip_is_not_followed(tmp_path, listener):
    """A Shapefile's sidecar or a VRT cannot point GDAL at a URL either."""
    url, hits = listener
    vrt = tmp_path / "erhebung.geojson"
    vrt.write_text(json.dumps(_collection({"type": "link", "properties": {"href": "/vsicurl/" + url + "/x"}})))
    try:
        list(readers.read(vrt).records())
    except readers.ImportFileError:
        pass
    assert hits == []
