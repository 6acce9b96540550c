"""The partner intake workbook (``ogpnet intake template``; the dashboard's template download).

A partner fills it in and returns it; :mod:`loaders.intake` reads it back. Its shape (sheets, columns, lists,
version) is :mod:`model.intake`'s. What the graph already holds about the organisation is prefilled, so the
partner corrects rather than retypes; names are shown, ids ride in hidden columns; every list cell is an Excel
drop-down (data validation) over a hidden ``Lists`` sheet.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from model.facts import Facts, column
from model.intake import (
    ALL_THEMES,
    EARLIEST_YEAR,
    INPUT_ROWS,
    INTAKE_RELATIONS,
    ORGANISATION_FIELDS,
    SHEETS,
    VERSION,
    Choices,
    IntakeSheet,
    row_id,
    text_of,
    words,
)
from model.schema import TABLE_BY_NAME

__all__ = ["prefilled_rows", "template_bytes", "template_workbook"]

_HEADER = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_PREFILLED_FILL = PatternFill("solid", fgColor="EAF1FB")


def template_workbook(facts: Facts, relations: Iterable[str], organisation: str | None = None,
                      themes: Iterable[str] | None = None, *, snapshot: str = "",
                      today: dt.date | None = None) -> Workbook:
    """The intake workbook for ``organisation`` (an id in ``facts``; None = a new organisation), on ``themes``
    (None = every theme). ``relations``: the catalogue's relation ids (prefilled rows may use any of them; the
    drop-down offers :data:`model.intake.INTAKE_RELATIONS`)."""
    today = today or dt.date.today()
    theme_list = list(themes) if themes else None
    relation_ids = list(relations)
    choices = Choices.of(facts, [r for r in INTAKE_RELATIONS if r in relation_ids], theme_list)
    every = Choices.of(facts, relation_ids)  # labels of prefilled values outside the offered lists
    org = _organisation(facts, organisation)
    wb = Workbook()
    _instructions(wb.active, org, theme_list and [every.labels["Themes"][t] for t in theme_list])
    form = wb.create_sheet("Organisation")
    _organisation_sheet(form, org, today)
    rows = prefilled_rows(facts, organisation, theme_list, every) if organisation else {}
    for sheet in SHEETS:
        _data_sheet(wb.create_sheet(sheet.name), sheet, rows.get(sheet.name, []), organisation or "")
    lists = wb.create_sheet("Lists")
    _lists_sheet(lists, choices)
    _validations(wb, choices)
    about = wb.create_sheet("About")
    for r, (k, v) in enumerate([("version", VERSION), ("organisation_id", organisation or ""),
                                ("themes", ";".join(theme_list or [])), ("snapshot", snapshot),
                                ("generated", today.isoformat())], start=1):
        about.cell(r, 1, k)
        about.cell(r, 2, v)
    lists.sheet_state = "hidden"
    about.sheet_state = "veryHidden"
    return wb


def template_bytes(facts: Facts, relations: Iterable[str], organisation: str | None = None,
                   themes: Iterable[str] | None = None, *, snapshot: str = "", today: dt.date | None = None) -> bytes:
    """:func:`template_workbook` as the bytes of an .xlsx file (the CLI's file, the dashboard's download)."""
    buffer = io.BytesIO()
    template_workbook(facts, relations, organisation, themes, snapshot=snapshot, today=today).save(buffer)
    return buffer.getvalue()


def prefilled_rows(facts: Facts, organisation: str, themes: list[str] | None,
                   choices: Choices) -> dict[str, list[dict[str, str]]]:
    """What the graph holds about ``organisation``, as rows of each data sheet (field -> shown value).

    ``row_id`` is the fact's key (:func:`queries.load.key_text` of the table's key), so the importer can tell a
    corrected row from a new one and notice a deleted one.
    """
    wanted = set(themes) if themes else None
    eng = facts.engagements[facts.engagements["organisation_id"] == organisation]
    eng_spec, mem_spec = TABLE_BY_NAME["engagements"], TABLE_BY_NAME["memberships"]
    engagements = []
    for row in eng.sort_values(["member_id", "relation"], na_position="first").to_dict("records"):
        theme = row["theme_id"] if isinstance(row["theme_id"], str) else ""
        if wanted is not None and theme and theme not in wanted:
            continue
        engagements.append({
            "member": choices.labels["Members"].get(row["member_id"], row["member_id"]),
            "theme": choices.labels["Themes"].get(theme, theme),
            "relation": words(str(row["relation"])), "detail": text_of(row.get("detail")),
            "since": text_of(row.get("as_of")), "until": text_of(row.get("until")), "url": text_of(row.get("url")),
            "row_id": row_id([text_of(row.get(k)) or None for k in eng_spec.key]),
            "organisation_id": organisation})
    expertise = [{"theme": choices.labels["Themes"].get(t, t), "organisation_id": organisation,
                  "row_id": row_id([organisation, t])}
                 for t in sorted(column(facts.expertise[facts.expertise["organisation_id"] == organisation],
                                        "theme_id")) if wanted is None or t in wanted]
    mem = facts.memberships[(facts.memberships["participant_type"] == "organisation")
                            & (facts.memberships["participant_id"] == organisation)]
    memberships = [{"consortium": choices.labels["Consortia"].get(r["consortium_id"], r["consortium_id"]),
                    "role": text_of(r.get("role")), "organisation_id": organisation,
                    "row_id": row_id([text_of(r.get(k)) or None for k in mem_spec.key])}
                   for r in mem.sort_values("consortium_id").to_dict("records")]
    return {"Engagements": engagements, "Expertise": expertise, "Memberships": memberships}


def _organisation(facts: Facts, organisation: str | None) -> dict[str, str]:
    if not organisation:
        return {}
    orgs = facts.organisations[facts.organisations["organisation_id"] == organisation]
    row = orgs.iloc[0].to_dict() if len(orgs) else {}
    return {"id": organisation, "name": text_of(row.get("name")), "sector": words(text_of(row.get("sector"))),
            "hq_iso3": text_of(row.get("hq_iso3"))}


def _instructions(ws: Worksheet, org: dict[str, str], themes: list[str] | None) -> None:
    ws.title = "Instructions"
    who = f"{org['name']} ({org['id']})" if org else "your organisation (a new entry)"
    lines = [
        ("Open Government Partnership: who works where (partner intake)", True),
        (f"For {who}.", False),
        ("The OGP Support Unit maps which organisations support which members on which themes, to see where "
         "members need help that nobody gives. Public sources show only part of it; you know the rest.", False),
        ("", False),
        ("How to fill it in", True),
        ("1. Organisation: check your details; write your name and the date.", False),
        ("2. Engagements: one row per OGP member, theme and relation. Rows in blue are what public sources "
         "already say about you: correct them, delete a row that is no longer true, add new rows below.", False),
        ("3. Expertise: the themes you are expert in. 4. Memberships: the consortia you belong to.", False),
        ("Choose members, themes, relations, sectors and consortia from the drop-down lists. Dates: YYYY, "
         f"YYYY-MM or YYYY-MM-DD, from {EARLIEST_YEAR} to today. Type values, not formulas. Do not rename "
         "sheets or columns.", False),
        (f"Theme {ALL_THEMES!r}: the engagement concerns every theme you are expert in.", False),
        ("", False),
        ("What happens next", True),
        ("The Support Unit imports the returned file with `ogpnet intake import`. Your statements are kept as "
         "self-reported facts with your name and the date, beside (never over) what public sources say, and "
         "are shown as self-reported wherever they appear.", False),
    ]
    if themes:
        lines.insert(3, (f"The Support Unit asks in particular about: {', '.join(themes)}.", False))
    for r, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text)
        cell.font = Font(bold=bold, size=14 if r == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110


def _organisation_sheet(ws: Worksheet, org: dict[str, str], today: dt.date) -> None:
    values = {**org, "date": today.isoformat()}
    for col, header in enumerate(("Field", "Value", "field id"), start=1):
        cell = ws.cell(1, col, header)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
    for r, f in enumerate(ORGANISATION_FIELDS, start=2):
        ws.cell(r, 1, f.header + (" *" if f.required else ""))
        ws.cell(r, 2, values.get(f.field, ""))
        ws.cell(r, 3, f.field)
        ws.cell(r, 4, f.note).font = Font(italic=True, color="666666")
    ws.cell(len(ORGANISATION_FIELDS) + 3, 1, "organisation id")
    ws.cell(len(ORGANISATION_FIELDS) + 3, 3, org.get("id", ""))
    ws.row_dimensions[len(ORGANISATION_FIELDS) + 3].hidden = True
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 36, 48
    ws.column_dimensions["C"].hidden = True
    ws.column_dimensions["D"].width = 50


def _data_sheet(ws: Worksheet, sheet: IntakeSheet, rows: list[dict[str, str]], organisation: str) -> None:
    for col, c in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, col, c.header + (" *" if c.required else ""))
        cell.font, cell.fill = _HEADER, _HEADER_FILL
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = c.width
        ws.column_dimensions[letter].hidden = c.hidden
    for r, row in enumerate(rows, start=2):
        for col, c in enumerate(sheet.columns, start=1):
            cell = ws.cell(r, col, row.get(c.field, ""))
            cell.fill = _PREFILLED_FILL
    for r in range(len(rows) + 2, INPUT_ROWS + 2):  # new rows carry the organisation too
        ws.cell(r, sheet.headers.index("organisation id") + 1, organisation)
    ws.freeze_panes = "A2"
    ws.cell(1, len(sheet.columns) + 2, sheet.note).font = Font(italic=True, color="666666")


def _lists_sheet(ws: Worksheet, choices: Choices) -> None:
    for col, (name, labels) in enumerate(choices.labels.items(), start=1):
        ws.cell(1, col, name)
        for r, label in enumerate(labels.values(), start=2):
            ws.cell(r, col, label)


def _validations(wb: Workbook, choices: Choices) -> None:
    letters = {name: get_column_letter(i) for i, name in enumerate(choices.labels, start=1)}
    lengths = {name: len(labels) for name, labels in choices.labels.items()}

    def validation(list_name: str) -> DataValidation:
        col = letters[list_name]
        dv = DataValidation(type="list", formula1=f"=Lists!${col}$2:${col}${lengths[list_name] + 1}",
                            allow_blank=True, showErrorMessage=True, errorTitle="Not in the list",
                            error=f"Choose a value from the {list_name.lower()} list.")
        return dv

    form = wb["Organisation"]
    for r, f in enumerate(ORGANISATION_FIELDS, start=2):
        if f.choices:
            dv = validation(f.choices)
            form.add_data_validation(dv)
            dv.add(f"B{r}")
    for sheet in SHEETS:
        ws = wb[sheet.name]
        for col, c in enumerate(sheet.columns, start=1):
            if c.choices:
                dv = validation(c.choices)
                ws.add_data_validation(dv)
                letter = get_column_letter(col)
                dv.add(f"{letter}2:{letter}{INPUT_ROWS + 1}")
