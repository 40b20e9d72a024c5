"""What the as-of date changes, per warehouse asset: its effect, not the date (issue 15).

The as-of date (LAGESBILD_AS_OF, default today: settings.read_as_of) moves every day, but what
it decides moves only when it crosses a boundary the data has. So the fingerprint of an asset
(pipelines/changes.py) holds, instead of the date, the date's position among those boundaries,
and a new day that crosses none rebuilds nothing. Every place that reads the date:

- ingest: partners, police_local and surveys reject rows dated after it. Each loaded file keeps
  its AsOfWindow (audit.loaded_files as_of_from/as_of_until, ingest/common.py): the as-of dates
  on which it parses the same. The effect is the list of the asset's files whose window does not
  hold the date: they are read again when the asset runs, and the list is empty after that.
- dbt: the models that call as_of() (dbt_project/macros/as_of.sql), listed in CALLERS with what
  they compare it with. `period_end >= as_of()` (in progress, preliminary) changes only when the
  date enters another tertial: the effect is that tertial. fct_action_followup also counts an
  update from its date on and a measure late from the day after its end: plus the latest of
  those dates on or before the as-of date. A model calling as_of() that is not listed gets the
  date itself (rebuilt every day: safe, and a unit test asks for its entry).
- nothing else stores it: the published figures print "preliminär" from the marts' flags, never
  the date (the report's "Framtagen" is the build time, outside the report's fingerprint:
  picture/fingerprint.py); reports exist for complete tertials only, whose set changes with the
  tertial in progress, the dbt effect. The GX suites (data_quality/suites.py) check a table
  with the as-of date when it is built; a later date only widens their "not in the future"
  limits, and the tables where a row could lie beyond it are the ones ingest filters (above).

Computed from the warehouse read-only (no dbt, no GX), by `plan` for every asset and by an
asset when it records its fingerprint (after it ran, so a file read again counts as current).
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache

import duckdb

from .periods import in_progress
from .settings import REPO_ROOT
from .warehouse import has_column, table_exists

# Ingest assets whose loader rejects rows dated after the as-of date -> the source kind of their files.
WINDOWED = {"raw/partner_reports": "partner_reports", "raw/police_local": "police_local",
            "raw/survey_responses": "surveys"}

TERTIAL, ACTION_DATES = "tertial", "action dates"
# dbt models calling as_of() -> what it is compared with there.
CALLERS = {
    "int_periods": (TERTIAL,),  # is_in_progress: period_end >= as_of()
    "int_indicator_trends": (TERTIAL,),  # is_preliminary
    "int_pledge_followup": (TERTIAL,),  # is_preliminary
    "fct_action_followup": (TERTIAL, ACTION_DATES),  # standing and is_late on the as-of date
}
_MODELS = REPO_ROOT / "dbt_project" / "models"


@lru_cache(maxsize=1)
def as_of_callers() -> frozenset[str]:
    """The dbt models whose SQL calls the macro as_of()."""
    return frozenset(p.stem for p in _MODELS.rglob("*.sql") if re.search(r"\bas_of\(\)", p.read_text("utf-8")))


def _outside(con, as_of: date) -> dict[str, list]:
    """source kind -> [[file, sha256, kommun_code]] of the loaded files whose window does not hold as_of."""
    from .ingest.common import outside_window

    out: dict[str, list] = {}
    if con is not None and has_column(con, "audit", "loaded_files", "as_of_until"):
        for kind, source_file, sha, code in outside_window(con, as_of):
            out.setdefault(kind, []).append([source_file, sha, code])
    return out


def _latest_action_date(con, as_of: date) -> str | None:
    """The latest date on or before as_of on which a measure's standing changes: an update's date,
    the day after a measure's end."""
    if con is None or not (table_exists(con, "raw", "actions") and table_exists(con, "raw", "action_updates")):
        return None
    value = con.execute(
        "select max(d) from (select cast(update_date as date) as d from raw.action_updates union all "
        "select cast(end_date as date) + 1 from raw.actions) where d <= ?", [as_of]).fetchall()[0][0]
    return value.isoformat() if value else None


def effects(as_of: date, con: duckdb.DuckDBPyConnection | None, keys, kind: dict[str, str]) -> dict[str, str]:
    """key -> the as-of date's effect on the asset, as text ('' when the date changes nothing of it).
    `con`: the warehouse (None: not built yet); `kind`: the asset kinds (changes.Graph.kind)."""
    keys = list(keys)
    out = {key: "" for key in keys}
    windowed = [k for k in keys if k in WINDOWED]
    outside = _outside(con, as_of) if windowed else {}
    for key in windowed:
        out[key] = json.dumps(outside.get(WINDOWED[key], []))
    callers = as_of_callers()
    action_date: str | None = None  # read once, when a model needs it
    for key in keys:
        model = key.rsplit("/", 1)[-1]
        if kind.get(key) != "dbt" or model not in callers:
            continue
        if model not in CALLERS:
            out[key] = json.dumps(["as_of", as_of.isoformat()])
            continue
        effect = []
        for compared in CALLERS[model]:
            if compared == TERTIAL:
                effect.append(in_progress(as_of))
            else:
                if action_date is None:
                    action_date = _latest_action_date(con, as_of) or ""
                effect.append(action_date)
        out[key] = json.dumps(effect)
    return out
