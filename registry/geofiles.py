"""Reading geodata files through GDAL (pyogrio), safely: shared by the survey import and the municipality
boundaries, so it sits at the bottom with the other helpers."""

import functools

# An uploaded file must never make GDAL reach out to the network (blind SSRF): a GeoJSON "crs" of type
# "link" or a CRS name that is a URL makes GDAL 3.6 fetch it. GDAL has no switch that turns HTTP off, so
# every HTTP request GDAL makes goes to a proxy that does not exist (connection refused at once, no
# retries, no redirects reached), and /vsicurl/ accepts no file at all. Set for the whole process, so it
# holds for every read (imports, municipality boundaries) and in the import worker; GDAL is never meant to
# fetch anything in this app.
# Set at pyogrio's first import (load_pyogrio below), before any file is read.
NO_NETWORK = {
    "GDAL_HTTP_PROXY": "127.0.0.1:1",
    "GDAL_HTTPS_PROXY": "127.0.0.1:1",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".no-remote-files",
}


@functools.cache
def load_pyogrio():
    """pyogrio (with its own GDAL, ~50 MB) and geopandas/pandas (~30 MB) are imported when a geodata file is
    read, not when a web worker starts: idle workers stay small (issue 17)."""
    import pyogrio

    pyogrio.set_gdal_config_options(NO_NETWORK)
    return pyogrio
