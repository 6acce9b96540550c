"""Selections that carry across pages and live in the URL, so that every view can be shared as a link.

Each selection has a name (``theme``, ``members``, ``region``, ``organisation``, and page settings such as
``status`` or ``size``) that is also its query parameter. Its value lives in ``st.session_state["sel_<name>"]``;
widgets get their own key per page and are initialised from it on every run, so a choice made on one page is
there on the next. The URL is read once when a session starts and written whenever a selection changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")
Format = Callable[[Any], Any]
#: Selections holding several values (repeated query parameters).
LISTS = frozenset({"members", "status", "remove", "focus", "compare"})
#: The "no restriction" option of :func:`narrow` and :func:`first_of` (stored as None, absent from the URL).
ALL = "__all__"
_READ = "_url_read"
_UNSET = object()


def read_url() -> None:
    """Take the selections from the URL, once per session (the app calls this on every run)."""
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


# -- widgets ----------------------------------------------------------------------------------------------


def choose(label: str, options: Sequence[T], name: str, page: str, *, default: T | None = None,
           format_func: Format = str, help: str | None = None, container: Any = None) -> T:
    """A selectbox bound to a shared selection and the URL; one of ``options`` is always chosen."""
    key = widget_key(page, name)
    st.session_state[key] = _initial(options, name, default)
    value: T = (container or st).selectbox(label, options, key=key, format_func=_text(format_func), help=help,
                                           on_change=_changed, args=(name, key))
    put(name, value)
    return value


def narrow(label: str, options: Sequence[T], name: str, page: str, *, all_label: str, format_func: Format = str,
           help: str | None = None, container: Any = None) -> T | None:
    """A selectbox that narrows a view to one option, or ``all_label`` (returned as None) for no restriction."""
    key = widget_key(page, name)
    choices: list[Any] = [ALL, *options]
    st.session_state[key] = ALL if get(name) is None else _initial(choices, name, ALL)
    value = (container or st).selectbox(label, choices, key=key, format_func=_text(format_func, all_label),
                                        help=help, on_change=_changed, args=(name, key))
    result: T | None = None if value == ALL else value
    put(name, result)
    return result


def first_of(label: str, options: Sequence[T], name: str, page: str, *, all_label: str, format_func: Format = str,
             help: str | None = None, container: Any = None) -> T | None:
    """A selectbox showing the first item of a list selection (e.g. one member of ``members``); choosing an
    option makes the list that one item, ``all_label`` (returned as None) empties it."""
    key = widget_key(page, name)
    found = [option for ok, option in (_matching(options, r) for r in (get(name) or [])) if ok]
    st.session_state[key] = found[0] if found else ALL
    value = (container or st).selectbox(label, [ALL, *options], key=key, format_func=_text(format_func, all_label),
                                        help=help, on_change=_changed_first, args=(name, key))
    return None if value == ALL else value


def multiselect(label: str, options: Sequence[T], name: str, page: str, *, default: Sequence[T] = (),
                format_func: Format = str, help: str | None = None, container: Any = None,
                placeholder: str | None = None) -> list[T]:
    """A multiselect bound to a shared selection and the URL (unknown values are dropped)."""
    key = widget_key(page, name)
    raw = get(name)
    chosen: list[T] = [o for o in default if o in options] if raw is None else [
        option for ok, option in (_matching(options, r) for r in raw) if ok and option is not None]
    st.session_state[key] = chosen
    value = (container or st).multiselect(label, options, key=key, format_func=_text(format_func), help=help,
                                          on_change=_changed, args=(name, key), placeholder=placeholder)
    put(name, list(value))
    return list(value)


def slider(label: str, low: int, high: int, name: str, page: str, *, default: int, help: str | None = None,
           container: Any = None) -> int:
    """An integer slider bound to a shared selection and the URL."""
    key = widget_key(page, name)
    try:
        chosen = min(high, max(low, int(get(name, default))))
    except (TypeError, ValueError):
        chosen = default
    st.session_state[key] = chosen
    value = (container or st).slider(label, low, high, key=key, help=help, on_change=_changed, args=(name, key))
    put(name, int(value))
    return int(value)


def radio(label: str, options: Sequence[T], name: str, page: str, *, default: T | None = None,
          format_func: Format = str, help: str | None = None, horizontal: bool = True,
          container: Any = None) -> T:
    """A radio group bound to a shared selection and the URL."""
    key = widget_key(page, name)
    st.session_state[key] = _initial(options, name, default)
    value: T = (container or st).radio(label, options, key=key, format_func=_text(format_func), help=help,
                                       horizontal=horizontal, on_change=_changed, args=(name, key))
    put(name, value)
    return value


# -- clicks on charts and tables ----------------------------------------------------------------------------


def on_chart_pick(chart_key: str, name: str, *, as_list: bool = False) -> Callable[[], None]:
    """A chart ``on_select`` callback: the clicked point's id (``customdata``, else ``location``) becomes the
    selection ``name`` (a one-item list when ``as_list``)."""

    def callback() -> None:
        event = st.session_state.get(chart_key) or {}
        points = (event.get("selection") or {}).get("points") or []
        ids = [i for i in map(_point_id, points) if i]
        if ids:
            put(name, [ids[0]] if as_list else ids[0])

    return callback


def on_row_pick(table_key: str, name: str, keys: Sequence[str]) -> Callable[[], None]:
    """A dataframe ``on_select`` callback: the key of the selected row becomes the selection ``name``."""

    def callback() -> None:
        event = st.session_state.get(table_key) or {}
        rows = (event.get("selection") or {}).get("rows") or []
        if rows and rows[0] < len(keys):
            put(name, keys[rows[0]])

    return callback


# -- helpers ------------------------------------------------------------------------------------------------


def _matching(options: Sequence[T], raw: Any) -> tuple[bool, T | None]:
    """(found, the option equal to ``raw`` or to its text as read from the URL)."""
    for option in options:
        if option == raw or (raw is not None and option is not None and str(option) == str(raw)):
            return True, option
    return False, None


def _initial(options: Sequence[T], name: str, default: T | None) -> T:
    """The selection's current value if it is an option, else ``default`` (else the first option)."""
    raw = st.session_state.get(f"sel_{name}", _UNSET)
    if raw is not _UNSET:
        found, option = _matching(options, raw)
        if found and option is not None:
            return option
    return default if default is not None and default in options else options[0]


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


def _point_id(point: dict[str, Any]) -> str | None:
    data = point.get("customdata")
    if isinstance(data, (list, tuple)) and data:
        data = data[0]
    if isinstance(data, str) and data:
        return data
    location = point.get("location")
    return location if isinstance(location, str) and location else None
