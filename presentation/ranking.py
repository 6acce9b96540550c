"""How results are scoped and ordered, the same in the CLI, the dashboard and the reports.

* Cells: kept to a theme, an OGP region and members, then by status (gap first, in
  :data:`graph.analysis.STATUSES` order), demand (highest first), member id and theme id.
* Brokers: betweenness, then effective size (highest first, missing last), then organisation id.

Every order ends with ids, so equal scores always come out in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from graph.analysis import STATUSES, BrokerageReport
from presentation.labels import theme_name

__all__ = ["rank_brokers", "rank_cells", "scope_frame"]


def scope_frame(frame: pd.DataFrame, theme: str | None = None, region: str | None = None,
                members: Sequence[str] = (), cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows of a member x theme result kept to a theme, an OGP region and members.

    The region is read from the frame's ``region`` column, or, for results without one, looked up by
    ``member_id`` in ``cells`` (any frame with ``member_id`` and ``region``). Columns the frame lacks are not
    filtered on.

    >>> frame = pd.DataFrame({"member_id": ["KEN", "MEX"], "theme_id": ["climate", "climate"]})
    >>> scope_frame(frame, region="Americas", cells=pd.DataFrame({"member_id": ["KEN", "MEX"],
    ...                                                           "region": ["Africa", "Americas"]}))
      member_id theme_id
    0       MEX  climate
    """
    out = frame
    if theme and "theme_id" in out.columns:
        out = out[out["theme_id"] == theme]
    if region:
        if "region" in out.columns:
            out = out[out["region"] == region]
        elif cells is not None and "member_id" in out.columns:
            in_region = set(cells.loc[cells["region"] == region, "member_id"])
            out = out[out["member_id"].isin(in_region)]
    if members and "member_id" in out.columns:
        out = out[out["member_id"].isin(list(members))]
    return out.reset_index(drop=True)


def rank_cells(cells: pd.DataFrame, theme: str | None = None, region: str | None = None,
               members: Sequence[str] = (), statuses: Sequence[str] = ("gap", "fragile"),
               sector: str | None = None) -> pd.DataFrame:
    """Cells as ``ogpnet gaps``, the Gaps page and the reports rank them: scoped, then by status (gap first),
    demand (highest first), member and theme. ``sector`` keeps cells with at least one supporter of that sector.
    A ``theme`` column with the theme's name follows ``theme_id``.

    >>> cells = pd.DataFrame({"member_id": ["A", "B", "C"], "theme_id": ["climate"] * 3, "region": [None] * 3,
    ...                       "status": ["fragile", "gap", "gap"], "demand": [3.0, 1.0, 2.0],
    ...                       "sectors": [[], [], []]})
    >>> rank_cells(cells)[["member_id", "status", "demand"]]
      member_id   status  demand
    0         C      gap     2.0
    1         B      gap     1.0
    2         A  fragile     3.0
    """
    out = scope_frame(cells, theme, region, members)
    out = out[out["status"].isin(list(statuses))]
    if sector:
        out = out[out["sectors"].map(lambda s: sector in s)]
    order = {s: i for i, s in enumerate(STATUSES)}
    out = out.assign(_s=out["status"].map(order), _d=-out["demand"])
    out = out.sort_values(["_s", "_d", "member_id", "theme_id"], kind="stable").drop(columns=["_s", "_d"])
    out = out.reset_index(drop=True)
    if "theme" not in out.columns:
        out.insert(list(out.columns).index("theme_id") + 1, "theme", out["theme_id"].map(theme_name))
    return out


def rank_brokers(report: BrokerageReport, top: int | None = None) -> pd.DataFrame:
    """Organisations ranked as brokers: betweenness, then effective size (highest first, missing last), then id;
    ``rank`` 1.. first.

    >>> from types import SimpleNamespace
    >>> orgs = pd.DataFrame({"betweenness": [0.5, 0.5, 0.1], "effective_size": [2.0, 2.0, 9.0]},
    ...                     index=pd.Index(["b", "a", "c"], name="organisation_id"))
    >>> rank_brokers(SimpleNamespace(organisations=orgs))[["rank", "organisation_id"]].values.tolist()
    [[1, 'a'], [2, 'b'], [3, 'c']]
    """
    orgs = report.organisations.reset_index()
    orgs = orgs.sort_values(["betweenness", "effective_size", "organisation_id"], ascending=[False, False, True],
                            na_position="last", ignore_index=True)
    orgs.insert(0, "rank", range(1, len(orgs) + 1))
    return orgs.head(top) if top else orgs
