"""Selections that carry across pages and live in the URL, so that every view can be shared as a link.

Each selection has a name (``theme``, ``members``, ``region``, ``organisation``, and page settings such as
``status`` or ``size``) that is also its query parameter. Its value lives in ``st.session_state["sel_<name>"]``;
widgets get their own key per page and are initialised from it on every run, so a choice made on one page is
there on the next. The URL is read once when a session starts and written whenever a selection is chosen; a
widget showing its default writes nothing, so a link holds only what someone chose.

A value that is not among a widget's choices (a link to ``theme=nonsense``, a member that a past year does not
have) is dropped from the selection and the URL with a warning at the top of the page that names it and says
what is shown instead (:func:`unknown_message`). The sidebar checks the selections it lists against the data
(:func:`check`) before listing them, so it never repeats a value that does not apply; a widget bound to the same
selection later on the page replaces that warning with one naming what it shows instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")
Format = Callable[[Any], Any]
#: Selections holding several values (repeated query parameters).
LISTS = frozenset({"members", "status", "remove", "focus", "compare"})
#: The "no restriction" option of :func:`narrow` and :func:`first_of` (stored as None, absent from the URL).
ALL = "__all__"
#: What a selection (a query parameter) is called in warnings, for one value; a selection not listed here is
#: called by its widget's label.
NOUNS: dict[str, str] = {
    "theme": "theme", "trend_theme": "theme", "members": "member", "region": "region", "organisation": "organisation",
    "as_of": "year", "cell": "cell", "remove": "organisation", "consortium": "consortium",
    "supported_by": "supporting sector", "view": "network view", "node": "node", "colour": "colouring",
    "size_by": "size measure", "group_by": "grouping", "top": "number of brokers", "top_partners": "number of partners",
    "scope": "scope", "min_sectors": "minimum number of sectors", "role": "role", "compare": "candidate",
    "paper": "paper size"}
_READ = "_url_read"
_RUN = "_selection_run"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


@dataclass
class _Run:
    """What one run of a page shows about its selections: where warnings go, the warnings already shown per
    selection (replaced when a widget knows better), values the sidebar dropped, and the sidebar's summary."""

    notices: Any = None
    slots: dict[str, Any] = field(default_factory=dict)
    dropped: dict[str, list[Any]] = field(default_factory=dict)
    summary: Any = None
    render: Callable[[], str] | None = None


def read_url() -> None:
    """Take the selections from the URL, once per session, and start this run's warnings (the app calls this on
    every run, before the page)."""
    st.session_state[_RUN] = _Run()
    if st.session_state.get(_READ):
        return
    st.session_state[_READ] = True
    for name in st.query_params.keys():
        values = st.query_params.get_all(name)
        st.session_state[f"sel_{name}"] = list(values) if name in LISTS else (values[-1] if values else None)


def get(name: str, default: Any = None) -> Any:
    return st.session_state.get(f"sel_{name}", default)


def put(name: str, value: Any) -> None:
    """Set a selection and the URL (also for values chosen by clicks rather than widgets)."""
    st.session_state[f"sel_{name}"] = value
    if value is None or value == [] or value == "":
        if name in st.query_params:
            del st.query_params[name]
        return
    text: list[str] = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    if st.query_params.get_all(name) != text:
        st.query_params[name] = text if isinstance(value, (list, tuple)) else text[0]


def add_to(name: str, value: Any) -> None:
    """Append a value to a list selection (no duplicates)."""
    current = list(get(name) or [])
    if value not in current:
        put(name, [*current, value])


def widget_key(page: str, name: str) -> str:
    """The widget key of a bound selection on a page (for tests and click handlers)."""
    return f"w:{page}:{name}"


# -- unknown values -----------------------------------------------------------------------------------------


def split_known(options: Sequence[T], raw: Any) -> tuple[list[T], list[Any]]:
    """The options a selection's value names, and the values that name none (text from the URL is compared as
    text); blank values name nothing.

    >>> split_known(["KEN", "GHA"], ["GHA", "XXX"])
    (['GHA'], ['XXX'])
    >>> split_known([5, 10], "10"), split_known(["Europe"], None), split_known(["Europe"], "")
    (([10], []), ([], []), ([], []))
    """
    known: list[T] = []
    unknown: list[Any] = []
    for item in raw if isinstance(raw, (list, tuple)) else [raw]:
        if item is None or item == "":
            continue
        found, option = _matching(options, item)
        if found:
            known.append(option)  # type: ignore[arg-type]  # found: option is one of the options
        else:
            unknown.append(item)
    return known, unknown


def unknown_message(what: str, values: Sequence[Any], instead: str) -> str:
    """The warning for values of a link that are not among the choices (markdown, the values escaped).

    >>> unknown_message("theme", ["nonsense"], "showing all themes")
    "Unknown theme 'nonsense' in the link: showing all themes."
    >>> unknown_message("member", ["XXX", "no_such"], "ignored")
    "Unknown members 'XXX', 'no\\\\_such' in the link: ignored."
    """
    plural = what if len(values) == 1 else what + ("es" if what.endswith("s") else "s")
    shown = ", ".join(f"'{_escaped(_short(str(v)))}'" for v in values)
    return f"Unknown {plural} {shown} in the link: {instead}."


def check(name: str, options: Sequence[Any], *, what: str | None = None) -> None:
    """Drop the values of selection ``name`` that are not among ``options``, with a warning at the top of the page
    (a widget bound to ``name`` later on the page replaces it with one naming what it shows instead)."""
    known, unknown = split_known(options, get(name))
    if not unknown:
        return
    _keep(name, known, name in LISTS)
    run = _run()
    run.dropped.setdefault(name, []).extend(unknown)
    slot = (run.notices or st).empty()
    slot.warning(unknown_message(what or NOUNS.get(name, name.replace("_", " ")), unknown, "ignored"),
                 icon=":material/link_off:")
    run.slots[name] = slot


def notices(container: Any) -> None:
    """Where this run's warnings about unknown values go (the top of the page)."""
    _run().notices = container


def summary(placeholder: Any, render: Callable[[], str]) -> None:
    """Show ``render()`` (the selections in words) as a caption in ``placeholder``, now and again whenever a widget
    later in this run drops a value, so that it never lists a value that does not apply."""
    run = _run()
    run.summary, run.render = placeholder, render
    placeholder.caption(render())


def keep_in_url(names: Sequence[str]) -> None:
    """Write the current values of ``names`` to the URL (navigating to another page clears it; the sidebar
    lists these selections, so the address bar must hold them to share the view)."""
    for name in names:
        value = get(name)
        if value not in (None, "", []):
            put(name, value)


# -- widgets ----------------------------------------------------------------------------------------------


def choose(label: str, options: Sequence[T], name: str, page: str, *, default: T | None = None,
           format_func: Format = str, help: str | None = None, container: Any = None) -> T:
    """A selectbox bound to a shared selection and the URL; one of ``options`` is always chosen (``default``,
    else the first, when nothing is)."""
    key = widget_key(page, name)
    fallback = default if default is not None and default in options else options[0]
    known = _settle(name, label, options, lambda found: _text(format_func)(found[0] if found else fallback))
    st.session_state[key] = known[0] if known else fallback
    value: T = (container or st).selectbox(label, options, key=key, format_func=_text(format_func), help=help,
                                           on_change=_changed, args=(name, key))
    if known:
        put(name, value)
    return value


def narrow(label: str, options: Sequence[T], name: str, page: str, *, all_label: str, format_func: Format = str,
           help: str | None = None, container: Any = None) -> T | None:
    """A selectbox that narrows a view to one option, or ``all_label`` (returned as None) for no restriction."""
    key = widget_key(page, name)
    known = _settle(name, label, options,
                    lambda found: _text(format_func)(found[0]) if found else _nothing(name, label, all_label))
    st.session_state[key] = known[0] if known else ALL
    value = (container or st).selectbox(label, [ALL, *options], key=key, format_func=_text(format_func, all_label),
                                        help=help, on_change=_changed, args=(name, key))
    result: T | None = None if value == ALL else value
    if known:
        put(name, result)
    return result


def first_of(label: str, options: Sequence[T], name: str, page: str, *, all_label: str, format_func: Format = str,
             help: str | None = None, container: Any = None) -> T | None:
    """A selectbox showing the first item of a list selection (e.g. one member of ``members``); choosing an
    option makes the list that one item, ``all_label`` (returned as None) empties it."""
    key = widget_key(page, name)
    known = _settle(name, label, options,
                    lambda found: _text(format_func)(found[0]) if found else _nothing(name, label, all_label),
                    many=True)
    st.session_state[key] = known[0] if known else ALL
    value = (container or st).selectbox(label, [ALL, *options], key=key, format_func=_text(format_func, all_label),
                                        help=help, on_change=_changed_first, args=(name, key))
    return None if value == ALL else value


def multiselect(label: str, options: Sequence[T], name: str, page: str, *, default: Sequence[T] = (),
                format_func: Format = str, help: str | None = None, container: Any = None,
                placeholder: str | None = None) -> list[T]:
    """A multiselect bound to a shared selection and the URL (``default`` when nothing is chosen)."""
    key = widget_key(page, name)
    fallback = [o for o in default if o in options]
    fmt = _text(format_func)
    known = _settle(name, label, options,
                    lambda found: ", ".join(fmt(o) for o in (found or fallback)) or f"no {_what(name, label)}",
                    many=True)
    chosen = get(name) is not None
    st.session_state[key] = known if chosen else fallback
    value = (container or st).multiselect(label, options, key=key, format_func=fmt, help=help,
                                          on_change=_changed, args=(name, key), placeholder=placeholder)
    if chosen:
        put(name, list(value))
    return list(value)


def slider(label: str, low: int, high: int, name: str, page: str, *, default: int, help: str | None = None,
           container: Any = None) -> int:
    """An integer slider bound to a shared selection and the URL (``default`` when nothing is chosen; a value of
    the link outside ``low``-``high`` is brought within it, with a warning)."""
    key = widget_key(page, name)
    raw = get(name)
    chosen: int | None = None
    if raw is not None and raw != "":
        try:
            chosen = int(raw)
        except (TypeError, ValueError):
            _report(name, _what(name, label), [raw], f"showing {default}")
            _keep(name, [], False)
        else:
            if not low <= chosen <= high:
                inside = min(high, max(low, chosen))
                _report(name, _what(name, label), [raw], f"showing {inside} (the choices are {low} to {high})")
                chosen = inside
    st.session_state[key] = default if chosen is None else chosen
    value = (container or st).slider(label, low, high, key=key, help=help, on_change=_changed, args=(name, key))
    if chosen is not None:
        put(name, int(value))
    return int(value)


def radio(label: str, options: Sequence[T], name: str, page: str, *, default: T | None = None,
          format_func: Format = str, help: str | None = None, horizontal: bool = True,
          container: Any = None) -> T:
    """A radio group bound to a shared selection and the URL (``default``, else the first, when nothing is
    chosen)."""
    key = widget_key(page, name)
    fallback = default if default is not None and default in options else options[0]
    known = _settle(name, label, options, lambda found: _text(format_func)(found[0] if found else fallback))
    st.session_state[key] = known[0] if known else fallback
    value: T = (container or st).radio(label, options, key=key, format_func=_text(format_func), help=help,
                                       horizontal=horizontal, on_change=_changed, args=(name, key))
    if known:
        put(name, value)
    return value


# -- clicks on charts and tables ----------------------------------------------------------------------------


def on_svg_pick(chart_key: str, name: str, *, as_list: bool = False) -> Callable[[], None]:
    """An SVG chart's ``on_pick`` callback (:func:`dashboard.components.svg_chart`): the clicked shape's
    ``data-pick`` becomes the selection ``name`` (a one-item list when ``as_list``)."""

    def callback() -> None:
        picked = _picked(chart_key)
        if picked:
            put(name, [picked] if as_list else picked)

    return callback


def on_row_pick(table_key: str, name: str, keys: Sequence[str]) -> Callable[[], None]:
    """A table's ``on_select`` callback (:func:`dashboard.components.table`): the key of the picked row (its
    position in the table) becomes the selection ``name``."""

    def callback() -> None:
        picked = _picked(table_key)
        if picked is not None and picked.isdigit() and int(picked) < len(keys):
            put(name, keys[int(picked)])

    return callback


def _picked(component_key: str) -> str | None:
    """What an in-page component last sent as ``pick`` (``st.session_state[component_key]["pick"]``)."""
    state = st.session_state.get(component_key) or {}
    picked = state.get("pick") if hasattr(state, "get") else None
    return None if picked is None else str(picked)


# -- helpers ------------------------------------------------------------------------------------------------


def _run() -> _Run:
    run = st.session_state.get(_RUN)
    if not isinstance(run, _Run):
        run = st.session_state[_RUN] = _Run()
    return run


def _settle(name: str, label: str, options: Sequence[T], instead: Callable[[list[T]], str], *,
            many: bool = False) -> list[T]:
    """The options the selection names; values naming none are dropped from it (and the URL) with a warning
    naming them and what is shown instead (``instead(known)``). ``many``: the selection is a list."""
    known, unknown = split_known(options, get(name))
    if unknown:
        _keep(name, known, many)
    _report(name, _what(name, label), unknown, f"showing {instead(known)}")
    return known


def _keep(name: str, known: list[Any], many: bool) -> None:
    """Keep only the ``known`` values of a selection (none left: nothing chosen) and list the selections again."""
    put(name, (known or None) if many else (known[0] if known else None))
    run = _run()
    if run.summary is not None and run.render is not None:
        run.summary.caption(run.render())


def _report(name: str, what: str, unknown: Sequence[Any], instead: str) -> None:
    """Warn about unknown values of ``name`` (and those the sidebar dropped earlier in this run), replacing the
    sidebar's warning about them."""
    run = _run()
    values = [*run.dropped.pop(name, []), *unknown]
    if not values:
        return
    text = unknown_message(what, values, instead)
    slot = run.slots.pop(name, None)
    (slot or run.notices or st).warning(text, icon=":material/link_off:")


def _what(name: str, label: str) -> str:
    return NOUNS.get(name) or label.lower()


def _nothing(name: str, label: str, all_label: str) -> str:
    """What a :func:`narrow` shows without a choice, in a sentence ("all themes", "no cell")."""
    if all_label.endswith("…"):
        return f"no {_what(name, label)}"
    return all_label[:1].lower() + all_label[1:]


def _escaped(text: str) -> str:
    """``text`` with markdown's special characters escaped (a link's value is shown as typed)."""
    return _MARKDOWN.sub(r"\\\1", text)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _matching(options: Sequence[T], raw: Any) -> tuple[bool, T | None]:
    """(found, the option equal to ``raw`` or to its text as read from the URL)."""
    for option in options:
        if option == raw or (raw is not None and option is not None and str(option) == str(raw)):
            return True, option
    return False, None


def _text(format_func: Format, all_label: str | None = None) -> Callable[[Any], str]:
    def fmt(option: Any) -> str:
        if option == ALL:
            return all_label or ""
        shown = format_func(option)
        return str(option) if shown is None else str(shown)

    return fmt


def _changed(name: str, key: str) -> None:
    value = st.session_state[key]
    put(name, None if value == ALL else value)


def _changed_first(name: str, key: str) -> None:
    value = st.session_state[key]
    put(name, [] if value == ALL else [value])
