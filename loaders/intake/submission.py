"""Check a returned intake against the graph, say what it changes, and keep it as a new self-reported source.

:func:`check_returned` checks every cell (located problems ``file:sheet:row: column 'x': reason``) and turns the
return into a :class:`Submission`: the change against the graph per organisation (added, changed, removed,
confirmed) and the canonical rows to keep. :func:`write_submission` writes those rows as a folder of the user
dataset (``<user-data>/submissions/<source id>/``: the tables, ``submission.json`` and the returned file as
received); earlier submissions are never touched. :func:`merged_dataset` joins the bundled dataset and every
submission into one canonical folder for ``ogpnet load``.

Rules (decisions recorded in README's intake section):

* A partner's statement is a new fact with its own source (``self-reported-<organisation>-<date>``) and
  confidence ``self_reported``; public facts are never overwritten. A corrected row is written as a new fact
  beside the public one (two facts, two sources); an unchanged row writes nothing (confirmed).
* A deleted engagement row is kept as the partner's statement that the work ended (relation
  ``past_engagement``, strength 0, the deleted row named in ``detail``); the public fact stays as it was.
* A deleted expertise or membership row, and organisation details that differ from the graph's, are listed in
  the change summary and kept in ``submission.json``; the graph's facts stay.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from loaders.build.ids import organisation_id as slug_id
from loaders.intake.read import Cell, Returned
from loaders.textio import read_json
from model.catalogue import Catalogue
from model.errors import OutputError, Problem, ValidationError
from model.facts import Facts, column
from model.intake import ALL_THEMES, Choices, parse_date, parse_url, row_id, text_of, words
from model.schema import SELF_REPORTED, SELF_REPORTED_SOURCE, TABLE_BY_NAME, TABLES
from model.validation import MAX_TEXT_CHARS, convert_value

__all__ = ["Change", "Submission", "check_returned", "merged_dataset", "submissions_of", "write_submission",
           "write_tables"]

#: Tables a submission may add rows to.
SUBMISSION_TABLES = ("sources", "organisations", "engagements", "expertise", "memberships")
_DETAIL_CHARS = 500


@dataclass(frozen=True)
class Change:
    """One line of the change summary: ``kind`` added / changed / removed / confirmed / kept, the sheet, what."""

    kind: str
    sheet: str
    text: str


@dataclass
class Submission:
    """A checked return: the organisation, the source that will carry its statements, the change against the
    graph and the canonical rows to write (table -> rows)."""

    file: str
    path: Path
    organisation_id: str
    organisation_name: str
    new_organisation: bool
    source: dict[str, str]
    changes: list[Change] = field(default_factory=list)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    differing_details: dict[str, dict[str, str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Changes per kind (added, changed, removed, confirmed, kept)."""
        out = {k: 0 for k in ("added", "changed", "removed", "confirmed", "kept")}
        for c in self.changes:
            out[c.kind] += 1
        return out

    def summary(self) -> dict[str, Any]:
        """The change summary as JSON-ready data (also written to ``submission.json``)."""
        return {"file": self.file, "organisation_id": self.organisation_id,
                "organisation_name": self.organisation_name, "new_organisation": self.new_organisation,
                "source": self.source, "counts": self.counts(), "changes": [asdict(c) for c in self.changes],
                "differing_details": self.differing_details,
                "rows": {t: len(r) for t, r in self.rows.items() if r}}


def check_returned(returned: Returned, facts: Facts, catalogue: Catalogue, *, today: dt.date,
                   taken: Iterable[str] = ()) -> Submission:
    """Check every cell of ``returned`` against ``facts`` and build its :class:`Submission`.

    ``taken``: source ids already used (earlier submissions), so that two returns of one day get two sources.

    Raises
    ------
    ValidationError
        Every problem, located ``file:sheet:row: column 'x'``; nothing is written.
    """
    problems: list[Problem] = []
    relations = [r.id for r in catalogue.relations]
    choices = Choices.of(facts, relations)
    org_ids = set(column(facts.organisations, "organisation_id"))
    where = returned.file

    def problem(cell: Cell | None, reason: str, sheet: str = "", row: int | None = None) -> None:
        if cell is None:
            problems.append(Problem(f"{where}:{sheet}" if sheet else where, row, None, None, reason))
        else:
            shown = None if cell.value is None else str(cell.value)
            problems.append(Problem(f"{where}:{cell.sheet}", cell.row, cell.header, shown, reason))

    # -- the organisation ---------------------------------------------------------------------------
    org = returned.organisation_id
    details = _form(returned, choices, problem, today)
    if org and org not in org_ids:
        problem(None, f"the workbook is about organisation id {org!r}, which the graph does not hold: was it "
                      "made from another dataset? Send a new template", "About")
    new = not org
    if new and not returned.is_csv:
        org = slug_id(details.get("name", "")) if details.get("name") else ""
        if org in org_ids:
            problem(returned.form["name"], f"an organisation with this name is in the graph already (id {org!r}): "
                                           f"send it its own template (`ogpnet intake template --organisation {org}`)")
    names = dict(zip(column(facts.organisations, "organisation_id"), column(facts.organisations, "name"),
                     strict=True))
    date = details.get("date") or today.isoformat()
    source_id = _source_id(org or "new-organisation", date, set(taken))
    name = details.get("name") or str(names.get(org) or org)
    who = ", ".join(x for x in (details.get("respondent"), details.get("email")) if x)
    source = {"id": source_id, "name": f"Self-reported by {name}" + (f" (filled in by {who})" if who else "")
              + f": intake return {returned.file}", "url": "",
              "licence": "self-reported to the OGP Support Unit; not a public source", "as_of": date}
    sub = Submission(returned.file, returned.path, org, name, new, source)

    def own(row: dict[str, str]) -> dict[str, str]:
        return {**row, "confidence": SELF_REPORTED, "source": source_id}

    for rows in returned.rows.values():
        for r in rows:
            cell = r["organisation_id"]
            if text_of(cell.value).strip() and org and text_of(cell.value).strip() != org:
                problem(cell, f"this row is about organisation {text_of(cell.value)!r}, the workbook about "
                              f"{org!r}: rows copied from another workbook?")

    # -- engagements ----------------------------------------------------------------------------------
    eng_spec = TABLE_BY_NAME["engagements"]
    current = facts.engagements[facts.engagements["organisation_id"] == org]
    scope = set(returned.themes)
    current_rows = {row_id([text_of(r.get(k)) or None for k in eng_spec.key]): {str(k): v for k, v in r.items()}
                    for r in current.to_dict("records")
                    if not scope or not text_of(r.get("theme_id")) or r.get("theme_id") in scope}
    by_claim = {(str(r["member_id"]), text_of(r.get("theme_id")), str(r["relation"])): r
                for r in current_rows.values()}
    seen: dict[tuple[str, str, str], int] = {}
    kept_ids: set[str] = set()
    written: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in returned.rows.get("Engagements", []):
        values, ok = _engagement(r, choices, relations, problem, today)
        claim = (values["member_id"], values["theme_id"], values["relation"])
        if values["member_id"] and values["relation"] and claim in seen:
            problem(r["relation"], f"the same member, theme and relation as row {seen[claim]}: one row each")
            continue
        seen[claim] = r["member"].row
        if not ok:
            continue
        rid = text_of(r["row_id"].value).strip()
        if rid and rid not in current_rows:
            problem(r["row_id"], "this hidden row id is not one the graph holds for the organisation (changed, or "
                                 "copied from another workbook): leave the hidden columns as they are")
            continue
        values["as_of"] = values.pop("since") or date
        label = _engagement_words(values, choices)
        before = current_rows.get(rid) if rid else by_claim.get(claim)
        if before is not None:
            kept_ids.add(row_id([text_of(before.get(k)) or None for k in eng_spec.key]))
            differs = _differences(before, values)
            if not differs:
                sub.changes.append(Change("confirmed", "Engagements", label))
                continue
            sub.changes.append(Change("changed", "Engagements", f"{label}: {differs} (the {before['source']} "
                                                                f"record is kept beside it)"))
        else:
            sub.changes.append(Change("added", "Engagements", label))
        written[claim] = own({"organisation_id": org, **values})
    for rid, before in current_rows.items():
        if rid in kept_ids:
            continue
        theme = text_of(before.get("theme_id"))
        label = _engagement_words({"member_id": before["member_id"], "theme_id": theme,
                                   "relation": before["relation"]}, choices)
        sub.changes.append(Change("removed", "Engagements", f"{label} ({before['source']}, {before['as_of']}): "
                                  "the partner says it has ended; the public record is kept beside its statement"))
        if before["relation"] == "past_engagement":
            continue
        claim = (str(before["member_id"]), theme, "past_engagement")
        note = f"no longer listed by the organisation: {words(str(before['relation']))} ({before['source']})"
        if claim in written:
            written[claim]["detail"] = f"{written[claim]['detail']}; {note}"[:_DETAIL_CHARS]
        else:
            written[claim] = own({"organisation_id": org, "member_id": claim[0], "theme_id": theme,
                                  "relation": "past_engagement", "detail": note, "until": date, "url": "",
                                  "as_of": date})
    sub.rows["engagements"] = list(written.values())

    # -- expertise and memberships ------------------------------------------------------------------------
    sub.rows["expertise"] = _simple_sheet(
        returned, "Expertise", "theme", "Themes", choices, problem, sub, own, org,
        current={str(t) for t in column(facts.expertise[facts.expertise["organisation_id"] == org], "theme_id")
                 if not scope or t in scope},
        make=lambda ident, r: {"organisation_id": org, "theme_id": ident, "as_of": date})
    mem = facts.memberships[(facts.memberships["participant_type"] == "organisation")
                            & (facts.memberships["participant_id"] == org)]
    sub.rows["memberships"] = _simple_sheet(
        returned, "Memberships", "consortium", "Consortia", choices, problem, sub, own, org,
        current={str(c) for c in column(mem, "consortium_id")},
        make=lambda ident, r: {"participant_type": "organisation", "participant_id": org, "consortium_id": ident,
                               "role": _text(r["role"], problem), "as_of": date})

    # -- the organisation's details -------------------------------------------------------------------
    if new:
        if org:
            sub.rows["organisations"] = [own({"id": org, "name": details.get("name", ""),
                                              "sector": details.get("sector", ""),
                                              "hq_iso3": details.get("hq_iso3", ""), "as_of": date})]
            sub.changes.insert(0, Change("added", "Organisation", f"new organisation {name} ({org})"))
    elif not returned.is_csv:
        row = facts.organisations[facts.organisations["organisation_id"] == org].iloc[0].to_dict()
        for fld in ("name", "sector", "hq_iso3"):
            theirs, ours = details.get(fld, ""), text_of(row.get(fld))
            if theirs and theirs != ours:
                sub.differing_details[fld] = {"graph": ours, "partner": theirs}
                sub.changes.append(Change("kept", "Organisation", f"{fld}: the partner says {theirs!r}, the graph "
                                          f"{ours!r} ({row.get('source')}); kept the graph's, the partner's is "
                                          "in submission.json"))
    if problems:
        raise ValidationError(problems, f"{returned.file}: {len(problems)} problem"
                                        f"{'s' if len(problems) != 1 else ''}",
                              hint="nothing was written; correct the cells listed (file:sheet:row) and import again")
    sub.rows["sources"] = [source]
    return sub


def _text(cell: Cell, problem: Any, limit: int = _DETAIL_CHARS) -> str:
    if cell.formula:
        problem(cell, "a formula: type the value itself")
        return ""
    value = cell.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    text = " ".join(text_of(value).split())
    if len(text) > min(limit, MAX_TEXT_CHARS):
        problem(cell, f"longer than {limit} characters")
        return ""
    return text


def _form(returned: Returned, choices: Choices, problem: Any, today: dt.date) -> dict[str, str]:
    """The organisation form's values (the CSV of one sheet has none)."""
    if returned.is_csv:
        return {}
    out: dict[str, str] = {}
    form = returned.form
    for fld in ("name", "respondent", "email"):
        out[fld] = _text(form[fld], problem, 200)
    for fld in ("name", "respondent"):
        if not out[fld] and not form[fld].formula:
            problem(form[fld], "required: fill it in")
    if out["email"] and "@" not in out["email"]:
        problem(form["email"], "not an email address")
    sector = _text(form["sector"], problem)
    out["sector"] = (choices.resolve("Sectors", sector) or "") if sector else ""
    if not out["sector"] and not form["sector"].formula:
        problem(form["sector"], "choose a sector from the list" if sector else "required: choose a sector")
    hq = _text(form["hq_iso3"], problem).upper()
    if hq:
        try:
            convert_value(next(c for c in TABLE_BY_NAME["organisations"].columns if c.name == "hq_iso3"), hq)
            out["hq_iso3"] = hq
        except ValueError as e:
            problem(form["hq_iso3"], str(e))
    date_cell = form["date"]
    if date_cell.formula:
        problem(date_cell, "a formula: type the value itself")
    elif not text_of(date_cell.value).strip():
        problem(date_cell, "required: the date you filled it in")
    else:
        value, reason = parse_date(date_cell.value, today)
        if reason:
            problem(date_cell, reason)
        out["date"] = value or ""
    return out


def _engagement(r: dict[str, Cell], choices: Choices, relations: list[str], problem: Any,
                today: dt.date) -> tuple[dict[str, str], bool]:
    """One engagement row's values (ids), and whether every cell passed (problems are reported)."""
    ok = True
    out: dict[str, str] = {}
    for fld, name in (("member", "Members"), ("theme", "Themes"), ("relation", "Relations")):
        cell = r[fld]
        text = _text(cell, problem)
        if cell.formula:
            ok = False
            continue
        extra = {rel: words(rel) for rel in relations} if fld == "relation" else None
        ident = choices.resolve(name, text or (ALL_THEMES if fld == "theme" else ""), extra)
        if ident is None:
            ok = False
            problem(cell, f"required: choose a {fld} from the list" if not text else
                          f"not a {fld} the graph knows: choose one from the list")
        out[{"member": "member_id", "theme": "theme_id", "relation": "relation"}[fld]] = ident or ""
    out["detail"] = _text(r["detail"], problem)
    for fld in ("since", "until"):
        cell = r[fld]
        out[fld] = ""
        if cell.formula:
            problem(cell, "a formula: type the value itself")
            ok = False
        elif text_of(cell.value).strip():
            value, reason = parse_date(cell.value, today)
            if reason:
                problem(cell, reason)
                ok = False
            out[fld] = value or ""
    if out["since"] and out["until"] and out["until"][:len(out["since"])] < out["since"][:len(out["until"])]:
        problem(r["until"], f"before 'Since' ({out['since']})")
        ok = False
    url = _text(r["url"], problem)
    out["url"] = ""
    if url:
        value, reason = parse_url(url)
        if reason:
            problem(r["url"], reason)
            ok = False
        out["url"] = value or ""
    return out, ok


def _simple_sheet(returned: Returned, sheet: str, fld: str, list_name: str, choices: Choices, problem: Any,
                  sub: Submission, own: Any, org: str, current: set[str], make: Any) -> list[dict[str, str]]:
    """Expertise or memberships: new entries are written; present ones confirmed; deleted ones listed."""
    seen: dict[str, int] = {}
    rows: list[dict[str, str]] = []
    for r in returned.rows.get(sheet, []):
        cell = r[fld]
        text = _text(cell, problem)
        if cell.formula:
            continue
        ident = choices.resolve(list_name, text) if text and text != ALL_THEMES else None
        if not ident:
            problem(cell, f"required: choose a {fld} from the list" if not text else
                          f"not a {fld} the graph knows: choose one from the list")
            continue
        if ident in seen:
            problem(cell, f"the same {fld} as row {seen[ident]}: one row each")
            continue
        seen[ident] = cell.row
        label = choices.labels[list_name].get(ident, ident)
        if ident in current:
            sub.changes.append(Change("confirmed", sheet, label))
            continue
        sub.changes.append(Change("added", sheet, label))
        rows.append(own(make(ident, r)))
    if not returned.is_csv or sheet in {c for c in returned.rows if returned.rows[c]}:
        for ident in sorted(current - set(seen)):
            sub.changes.append(Change("removed", sheet, f"{choices.labels[list_name].get(ident, ident)}: not in "
                                      "the return; the public record is kept (listed in submission.json)"))
    return rows


def _differences(before: dict[str, Any], after: dict[str, str]) -> str:
    pairs = [("member", "member_id"), ("theme", "theme_id"), ("relation", "relation"), ("detail", "detail"),
             ("since", "as_of"), ("until", "until"), ("evidence URL", "url")]
    out = [f"{label} {text_of(before.get(k)) or '(blank)'!r} -> {after.get(k) or '(blank)'!r}"
           for label, k in pairs if text_of(before.get(k)) != (after.get(k) or "")]
    return "; ".join(out)


def _engagement_words(values: dict[str, Any], choices: Choices) -> str:
    theme = text_of(values.get("theme_id"))
    return (f"{choices.labels['Members'].get(values['member_id'], values['member_id'])} · "
            f"{choices.labels['Themes'].get(theme, theme)} · {words(str(values['relation']))}")


def _source_id(org: str, date: str, taken: set[str]) -> str:
    base = f"{SELF_REPORTED_SOURCE}{org}-{date}"
    n, candidate = 1, base
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# -- the user dataset ------------------------------------------------------------------------------------


def submissions_of(user_dir: Path) -> list[Path]:
    """The submission folders of a user dataset, oldest first (by name: source ids carry their date)."""
    base = user_dir / "submissions"
    if not base.is_dir():
        return []
    folders = [p for p in base.iterdir() if p.is_dir() and (p / "submission.json").is_file()]
    imported = {p: read_json(p / "submission.json") for p in folders}  # a damaged file: located error, exit 2
    return sorted(folders, key=lambda p: (str(imported[p].get("imported", "")) if isinstance(imported[p], dict)
                                          else "", p.name))


def write_submission(sub: Submission, user_dir: Path, *, imported: str) -> Path:
    """Write ``sub`` as a new folder of ``user_dir/submissions`` (all or nothing: a temporary folder renamed into
    place); return it. Earlier submissions are never changed."""
    base = user_dir / "submissions"
    target = base / sub.source["id"]
    if target.exists():
        raise OutputError(f"{target} exists already", hint="import again: a new source id is chosen")
    try:
        base.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=base))
    except OSError as e:
        raise OutputError(f"cannot write the user dataset in {user_dir}: {e.strerror or e}") from None
    try:
        write_tables(sub, tmp)
        shutil.copyfile(sub.path, tmp / f"returned{sub.path.suffix.lower()}")
        summary = {**sub.summary(), "imported": imported}
        (tmp / "submission.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(tmp, target)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from None
    return target


def write_tables(sub: Submission, folder: Path) -> None:
    """The canonical tables ``sub`` adds rows to, as CSV files in ``folder`` (a table without rows: no file)."""
    for name in SUBMISSION_TABLES:
        if sub.rows.get(name):
            _write_csv(folder / f"{name}.csv", TABLE_BY_NAME[name].column_names, sub.rows[name])


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([text_of(row.get(c)) for c in columns])


def merged_dataset(data_dir: Path, folders: Sequence[Path], out: Path) -> Path:
    """The canonical dataset of ``data_dir`` with the rows of each submission folder appended, written to
    ``out``. A key given twice keeps its first row (the bundled one, then the oldest submission's): a node's
    details, an expertise or membership restated; engagements carry their source in the key, so every partner's
    statement stays."""
    out.mkdir(parents=True, exist_ok=True)
    for spec in TABLES:
        src = data_dir / f"{spec.name}.csv"
        extra = [f / f"{spec.name}.csv" for f in folders if (f / f"{spec.name}.csv").is_file()]
        if not extra or not src.is_file():
            if src.is_file():
                shutil.copyfile(src, out / src.name)
            continue
        with src.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = [dict(r) for r in reader]
        keys = {tuple(r.get(k) or "" for k in spec.key) for r in rows}
        for path in extra:
            with path.open(encoding="utf-8", newline="") as f:
                for r in csv.DictReader(f):
                    key = tuple(r.get(k) or "" for k in spec.key)
                    if key not in keys:  # (a second return before a load restates the first: kept once)
                        keys.add(key)
                        rows.append(dict(r))
        _write_csv(out / src.name, spec.column_names, rows)
    return out
