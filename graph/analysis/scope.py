"""Which members and facts an analysis looks at."""

from __future__ import annotations

import pandas as pd

from model.config import AnalysisConfig
from model.facts import Facts

__all__ = ["analysed_members"]


def analysed_members(facts: Facts, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """The members rows whose status is in ``config.member_statuses``, sorted by id."""
    cfg = config or AnalysisConfig()
    members = facts.members
    return members[members["status"].isin(cfg.member_statuses)].reset_index(drop=True)
