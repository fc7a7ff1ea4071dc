"""Coordinate reference systems the API offers (Part 2): CRS84 (lon/lat, the default) and ETRS89 / UTM 32N.

EPSG:4326 is not offered on purpose: in OGC APIs it means latitude first, which clients get wrong.
"""

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_25832 = "http://www.opengis.net/def/crs/EPSG/0/25832"
SUPPORTED = {CRS84: 4326, EPSG_25832: 25832}
URIS = {srid: uri for uri, srid in SUPPORTED.items()}
# coordinates written per CRS: 6 decimals of a degree ≈ 0.1 m; millimetres for metres
DECIMALS = {4326: 6, 25832: 3}
# coordinates PROJ transforms without failing (UTM far outside its zone still works up to about these)
BOUNDS = {4326: (-180, -90, 180, 90), 25832: (-5e6, -1e7, 5e6, 1e7)}


def within(srid, west, south, east, north):
    low_x, low_y, high_x, high_y = BOUNDS[srid]
    return low_x <= west <= high_x and low_x <= east <= high_x and low_y <= south <= high_y and low_y <= north <= high_y

_ALIASES = {
    "crs84": CRS84, "ogc:crs84": CRS84, "urn:ogc:def:crs:ogc:1.3:crs84": CRS84,
    "epsg:25832": EPSG_25832, "urn:ogc:def:crs:epsg::25832": EPSG_25832, "25832": EPSG_25832,
    "[epsg:25832]": EPSG_25832, "[ogc:crs84]": CRS84,
}


def normalise(value):
    """The canonical URI of a CRS given as URI, CURIE or EPSG code; None when it is not offered."""
    text = (value or "").strip()
    if text in SUPPORTED:
        return text
    text = text.lower().rstrip("/")
    if text.startswith("http://") and text.replace("http://www.opengis.net/def/crs/", "", 1) != text:
        for uri in SUPPORTED:
            if uri.lower() == text:
                return uri
    return _ALIASES.get(text)


def srid_for(value):
    uri = normalise(value)
    return SUPPORTED[uri] if uri else None
