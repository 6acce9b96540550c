"""Serve the dashboard: warm the shared results of the latest load, then run Streamlit in this same process.

``python -m dashboard.serve [streamlit options]`` is what ``ogpnet dashboard`` (and ``make run``) execute, with
the same options as ``streamlit run dashboard/app.py``. The server starts listening only once
:func:`dashboard.state.warm` has computed the projected graph, coverage, the trend and brokerage (Streamlit's
caches live in the process), so the first visitor of a fresh server does not wait for them; its health check
(``/_stcore/health``) answers when it is ready. Warming is best effort: without a database or data the server
starts all the same and the pages say what is wrong.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(APP.parent.parent))
    import streamlit.runtime.caching  # noqa: F401 - creates Streamlit's loggers before their levels are set

    # outside a script run Streamlit warns that there is no ScriptRunContext: expected while warming
    # and that its caches keep results in memory (as they do when the server runs)
    quiet = [logging.getLogger(f"streamlit.runtime.{name}") for name in (
        "scriptrunner_utils.script_run_context", "caching.cache_data_api")]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    from dashboard import state  # imports the pages' libraries (pandas, networkx, neo4j) once, here

    started = time.perf_counter()
    print(f"dashboard: {state.warm()} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    for logger in quiet:
        logger.setLevel(logging.WARNING)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *args]
    return int(cli.main() or 0)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C while warming: one line and exit code 1, as for every command
        print("dashboard: interrupted", file=sys.stderr)
        sys.exit(1)
