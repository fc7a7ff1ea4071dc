"""Plausible town-centre polygons and street axes, drawn in metres (EPSG:25832)."""

import math

import numpy
import pyproj
import shapely
from shapely.geometry import LineString, Point, Polygon

_to_metric = pyproj.Transformer.from_crs(4326, 25832, always_xy=True)
_to_wgs84 = pyproj.Transformer.from_crs(25832, 4326, always_xy=True)


def _reproject(geometry, transformer):
    return shapely.transform(geometry, lambda xy: numpy.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def shapely_from_geos(geometry):
    return shapely.from_wkb(bytes(geometry.wkb))


def to_metric(geometry):
    return _reproject(geometry, _to_metric)


def to_wgs84(geometry):
    return _reproject(geometry, _to_wgs84)


def centre_polygon(rng, lon, lat, radius, municipality_metric):
    """An irregular, elongated blob around the market square, clipped to its municipality.

    Old towns are rarely round: a random elongation, rotation and a few harmonics
    of radial noise give each centre its own outline.
    """
    centre = to_metric(Point(lon, lat))
    radius *= rng.uniform(0.85, 1.15)
    elongation = rng.uniform(1.0, 1.7)
    rotation = rng.uniform(0, math.pi)
    harmonics = [(k, rng.uniform(0.04, 0.12), rng.uniform(0, 2 * math.pi)) for k in (2, 3, 5)]
    points = []
    for step in range(48):
        angle = 2 * math.pi * step / 48
        r = radius * (1 + sum(a * math.sin(k * angle + phase) for k, a, phase in harmonics))
        x, y = r * elongation * math.cos(angle), r / elongation * math.sin(angle)
        points.append((
            centre.x + x * math.cos(rotation) - y * math.sin(rotation),
            centre.y + x * math.sin(rotation) + y * math.cos(rotation),
        ))
    shape = Polygon(points).intersection(municipality_metric.buffer(-5))
    if shape.geom_type != "Polygon":  # keep the part around the market square
        shape = max(shapely.get_parts(shape), key=lambda part: part.area)
    return shape


def street_axes(rng, polygon, count):
    """Straight street segments across the centre polygon, each at least 60 m long."""
    axes = []
    minx, miny, maxx, maxy = polygon.bounds
    reach = max(maxx - minx, maxy - miny)
    attempts = 0
    while len(axes) < count and attempts < count * 50:
        attempts += 1
        anchor = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if not polygon.contains(anchor):
            continue
        angle = rng.uniform(0, math.pi)
        dx, dy = math.cos(angle) * reach, math.sin(angle) * reach
        line = LineString([(anchor.x - dx, anchor.y - dy), (anchor.x + dx, anchor.y + dy)])
        segment = line.intersection(polygon.buffer(-12))
        if segment.geom_type == "MultiLineString":
            segment = max(segment.geoms, key=lambda part: part.length)
        if segment.geom_type == "LineString" and segment.length >= 60:
            axes.append(segment)
    return axes


def frontage_points(rng, axis, count):
    """Points along both sides of a street axis, ordered as house numbers run."""
    positions = sorted(rng.uniform(0, axis.length) for _ in range(count))
    points = []
    for index, position in enumerate(positions):
        here = axis.interpolate(position)
        ahead = axis.interpolate(min(position + 1, axis.length))
        behind = axis.interpolate(max(position - 1, 0))
        dx, dy = ahead.x - behind.x, ahead.y - behind.y
        norm = math.hypot(dx, dy) or 1
        side = 1 if index % 2 == 0 else -1
        offset = side * rng.uniform(6, 9)
        points.append((Point(here.x - dy / norm * offset, here.y + dx / norm * offset), side))
    return points
