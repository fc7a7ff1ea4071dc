"""CQL2 filters (OGC API – Features Part 3) as parameterised SQL.

pygeofilter (the parser pygeoapi uses) reads cql2-text and cql2-json into an AST; this module walks it
and writes SQL itself: attribute names only from the collection's queryables (their SQL expressions,
never the client's text), every literal a query parameter typed after the attribute it is compared with.
The rows a filter can reach are already cut to the user's tier by the query it is added to.
Supported: Basic CQL2 (comparisons, AND/OR/NOT, IS NULL), BETWEEN, IN, LIKE, CASEI and the spatial
predicates S_INTERSECTS, S_DISJOINT, S_CONTAINS, S_WITHIN and BBOX.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.utils.translation import gettext as _
from pygeofilter import ast, values

LANGUAGES = ("cql2-text", "cql2-json")
MAX_LENGTH = 20_000

_COMPARISONS = {ast.Equal: "=", ast.NotEqual: "<>", ast.LessThan: "<", ast.LessEqual: "<=",
                ast.GreaterThan: ">", ast.GreaterEqual: ">="}
_MIRRORED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_SPATIAL = {ast.GeometryIntersects: "ST_Intersects", ast.GeometryDisjoint: "ST_Disjoint",
            ast.GeometryContains: "ST_Contains", ast.GeometryWithin: "ST_Within"}


class FilterError(ValueError):
    """A German message for the `filter` parameter."""


def parse(text, language):
    """The AST of a filter text; FilterError when it cannot be read."""
    if len(text) > MAX_LENGTH:
        raise FilterError(_("Der Filter ist zu lang (höchstens %(n)s Zeichen).") % {"n": MAX_LENGTH})
    try:
        if language == "cql2-json":
            from pygeofilter.parsers.cql2_json import parse as parse_json

            return parse_json(json.loads(text))
        from pygeofilter.parsers.cql2_text import parse as parse_text

        if language == "cql-text":
            # GDAL 3.6's `cql-text`: CQL2 text for most (e.g. its `NOT (a = 'b')`), ECQL for `ILIKE`
            try:
                return parse_text(text)
            except Exception:
                from pygeofilter.parsers.ecql import parse as parse_ecql

                return parse_ecql(text)
        return parse_text(text)
    except Exception as failure:  # lark's and json's errors, and the parser's own ValueErrors
        raise FilterError(_("Der Filter ist kein gültiger %(language)s-Ausdruck (%(reason)s).") % {
            "language": language.upper(), "reason": str(failure).splitlines()[0][:200] if str(failure) else
            type(failure).__name__}) from None


class Translator:
    """One filter → (sql, params) over `properties` (name → queryables.Property) and `geometry_sql`."""

    def __init__(self, properties, geometry_sql, filter_srid=4326):
        self.properties, self.geometry_sql, self.filter_srid = properties, geometry_sql, filter_srid
        self.params = []

    def translate(self, node):
        sql = self.node(node)
        return sql, self.params

    # --- conditions
    def node(self, node):
        if isinstance(node, ast.And):
            return f"({self.node(node.lhs)} AND {self.node(node.rhs)})"
        if isinstance(node, ast.Or):
            return f"({self.node(node.lhs)} OR {self.node(node.rhs)})"
        if isinstance(node, ast.Not):
            return f"(NOT {self.node(node.sub_node)})"
        if isinstance(node, ast.Include):
            return "false" if node.not_ else "true"
        if type(node) in _COMPARISONS:
            return self.comparison(node.lhs, _COMPARISONS[type(node)], node.rhs)
        if isinstance(node, ast.Between):
            expr, kind = self.attribute(node.lhs)
            low, high = self.literal(node.low, kind), self.literal(node.high, kind)
            return f"({'NOT ' if node.not_ else ''}{expr} BETWEEN {low} AND {high})"
        if isinstance(node, ast.In):
            expr, kind = self.attribute(node.lhs)
            options = ", ".join(self.literal(option, kind) for option in node.sub_nodes)
            return f"({expr} {'NOT ' if node.not_ else ''}IN ({options}))"
        if isinstance(node, ast.IsNull):
            expr, _kind = self.attribute(node.lhs)
            return f"({expr} IS {'NOT ' if node.not_ else ''}NULL)"
        if isinstance(node, ast.Like):
            expr, kind = self.attribute(node.lhs)
            if kind != "text":
                raise FilterError(_("LIKE vergleicht nur Texte."))
            raw = node.pattern if isinstance(node.pattern, str) else ""
            if (len(raw) - len(raw.rstrip("\\"))) % 2:  # PostgreSQL refuses a pattern ending in its escape
                raise FilterError(_("Ein LIKE-Muster darf nicht mit einem einzelnen \\ enden."))
            pattern = self.literal(node.pattern, "text")
            operator = "ILIKE" if node.nocase else "LIKE"
            return f"({expr} {'NOT ' if node.not_ else ''}{operator} {pattern})"
        if type(node) in _SPATIAL:
            return self.spatial(_SPATIAL[type(node)], node.lhs, node.rhs)
        if isinstance(node, ast.BBox):
            self.geometry_attribute(node.lhs)
            srid = self.srid_of(node.crs)
            box = self.geometry_literal(values.Envelope(node.minx, node.maxx, node.miny, node.maxy), srid)
            return f"ST_Intersects({self.geometry_sql}, {box})"
        raise FilterError(_("„%(what)s“ wird in Filtern nicht unterstützt (Basic CQL2, S_INTERSECTS, BBOX).")
                          % {"what": type(node).__name__})

    def comparison(self, lhs, operator, rhs):
        if not self.is_attribute(lhs) and self.is_attribute(rhs):
            lhs, rhs, operator = rhs, lhs, _MIRRORED[operator]
        expr, kind = self.attribute(lhs)
        if self.is_attribute(rhs):
            other, other_kind = self.attribute(rhs)
            if other_kind != kind:
                raise FilterError(_("„%(a)s“ und „%(b)s“ haben verschiedene Typen.") % {
                    "a": self.name_of(lhs), "b": self.name_of(rhs)})
            return f"({expr} {operator} {other})"
        if kind == "bool" and operator not in ("=", "<>"):
            raise FilterError(_("Ja/Nein-Werte lassen sich nur mit = und <> vergleichen."))
        return f"({expr} {operator} {self.literal(rhs, kind)})"

    def spatial(self, function, lhs, rhs):
        if not self.is_geometry(lhs) and self.is_geometry(rhs):
            lhs, rhs = rhs, lhs
            function = {"ST_Contains": "ST_Within", "ST_Within": "ST_Contains"}.get(function, function)
        self.geometry_attribute(lhs)
        return f"{function}({self.geometry_sql}, {self.geometry_literal(rhs, self.filter_srid)})"

    # --- operands
    @staticmethod
    def is_attribute(node):
        return isinstance(node, ast.Attribute) or (
            isinstance(node, ast.Function) and node.name == "lower" and len(node.arguments) == 1
            and isinstance(node.arguments[0], ast.Attribute))

    @staticmethod
    def is_geometry(node):
        return isinstance(node, ast.Attribute)

    @staticmethod
    def name_of(node):
        return node.name if isinstance(node, ast.Attribute) else node.arguments[0].name

    def attribute(self, node):
        """(SQL, kind) of a queryable attribute, or CASEI(attribute)."""
        if isinstance(node, ast.Function) and node.name == "lower" and len(node.arguments) == 1:
            expr, kind = self.attribute(node.arguments[0])
            if kind != "text":
                raise FilterError(_("CASEI gilt nur für Texte."))
            return f"lower({expr})", kind
        if not isinstance(node, ast.Attribute):
            raise FilterError(_("Links vom Vergleich muss eine Eigenschaft stehen, nicht „%(value)s“.")
                              % {"value": str(node)[:60]})
        prop = self.properties.get(node.name)
        if prop is None or not prop.queryable:
            raise FilterError(_("„%(name)s“ ist keine abfragbare Eigenschaft (siehe /queryables).")
                              % {"name": node.name[:60]})
        return f"({prop.sql})", prop.kind

    def geometry_attribute(self, node):
        if not (isinstance(node, ast.Attribute) and node.name == "geometry"):
            raise FilterError(_("Räumliche Vergleiche gelten der Eigenschaft „geometry“."))

    def literal(self, value, kind):
        if isinstance(value, ast.Function) and value.name == "lower" and len(value.arguments) == 1:
            return f"lower({self.literal(value.arguments[0], kind)})"
        self.params.append(coerce(value, kind))
        cast = {"text": "text", "number": "numeric", "int": "numeric", "date": "date", "bool": "boolean"}[kind]
        return f"%s::{cast}"

    def geometry_literal(self, value, srid):
        try:
            if isinstance(value, values.Envelope):
                geometry = Polygon.from_bbox((value.x1, value.y1, value.x2, value.y2))
            elif isinstance(value, values.Geometry):
                geometry = GEOSGeometry(json.dumps(value.geometry))
            else:
                raise FilterError(_("Erwartet wird eine Geometrie (WKT oder GeoJSON)."))
        except (GEOSException, GDALException, ValueError, TypeError) as failure:
            if isinstance(failure, FilterError):
                raise
            raise FilterError(_("Die Geometrie im Filter ist ungültig.")) from None
        if geometry.empty or not geometry.valid and geometry.geom_type in ("Polygon", "MultiPolygon"):
            raise FilterError(_("Die Geometrie im Filter ist ungültig: %(reason)s") % {
                "reason": geometry.valid_reason if not geometry.empty else "leer"})
        from .crs import within

        if not within(srid, *geometry.extent):
            raise FilterError(_("Die Geometrie im Filter liegt außerhalb ihres Koordinatensystems."))
        self.params.append(bytes(geometry.wkb))
        if srid == 4326:
            return "ST_SetSRID(ST_GeomFromWKB(%s), 4326)"
        return f"ST_Transform(ST_SetSRID(ST_GeomFromWKB(%s), {int(srid)}), 4326)"

    @staticmethod
    def srid_of(crs):
        from .crs import srid_for

        if not crs:
            return 4326
        srid = srid_for(crs)
        if srid is None:
            raise FilterError(_("Unbekanntes Koordinatensystem „%(crs)s“ in BBOX.") % {"crs": crs[:80]})
        return srid


def coerce(value, kind):
    """A literal as the attribute's type; FilterError naming the value otherwise."""
    wrong = FilterError(_("„%(value)s“ passt nicht zum Typ der Eigenschaft (%(kind)s).") % {
        "value": str(value)[:60], "kind": {"text": _("Text"), "number": _("Zahl"), "int": _("ganze Zahl"),
                                            "date": _("Datum"), "bool": _("ja/nein")}[kind]})
    if isinstance(value, (ast.Node, values.Geometry, values.Envelope, values.Interval, list, dict)):
        raise wrong
    if kind == "text":
        if isinstance(value, bool) or value is None:
            raise wrong
        return str(value)
    if kind in ("number", "int"):
        if isinstance(value, bool):
            raise wrong
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise wrong from None
        if not number.is_finite():
            raise wrong
        return number
    if kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            # GDAL 3.6 writes dates as 'YYYY-MM-DDT' (a T with no time); timestamps keep their date
            try:
                return datetime.date.fromisoformat(value.strip()[:10])
            except ValueError:
                raise wrong from None
        raise wrong
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if isinstance(value, int) and value in (0, 1):  # OGR SQL writes booleans as 0/1 and GDAL sends them so
            return bool(value)
        raise wrong
    raise wrong


def to_sql(text, language, properties, geometry_sql, filter_srid=4326):
    """(sql, params) for a filter text; FilterError with a German message otherwise."""
    return Translator(properties, geometry_sql, filter_srid).translate(parse(text, language))
