"""Dashboard render time in a real browser: every page, cold (fresh server process) and warm (cached).

For each scale, a synthetic dataset (`bench.synthetic`) is loaded into a throwaway Neo4j; then for every page
and every repetition a fresh server process is started as ``ogpnet dashboard`` starts it (``dashboard.serve``
warms the shared results of the load, then listens; the time until its health check answers is recorded as
``startup``) and the page is opened twice in headless Debian chromium: the first load is the *cold* time (a
fresh server and browser session: the page's own results, Streamlit's script and the browser's assets are
not cached), the second (same server, a new browser session) the *warm* time. Render time = from navigation
start until the script has finished running, the page title is shown and every chart (SVG) and the explorer's
graph have drawn. Requests to anything but 127.0.0.1 are blocked, as for users behind a firewall.

The helpers (`DashboardServer`, `launch_chromium`, `block_external`, `open_page`) are also used by
``tests/test_browser.py``. Registered in ``bench/run.py`` as section ``dashboard``; :func:`run` is the plain
entry point (``run(scales, repeat) -> dict``).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.server import free_port
from graph.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

    from bench.run import Options

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
APP = REPO_ROOT / "dashboard" / "app.py"
#: Streamlit's own two-line page, the yardstick of every page's render time (``bench/reference_app.py``).
REFERENCE_APP = REPO_ROOT / "bench" / "reference_app.py"


@dataclass(frozen=True)
class PageCheck:
    """A page of the dashboard: its URL path (the default page is at the root) and title."""

    name: str
    path: str
    title: str


PAGES: tuple[PageCheck, ...] = (
    PageCheck("overview", "overview", "Open government partnerships network"),
    PageCheck("coverage", "coverage", "Coverage map"),
    PageCheck("gaps", "gaps", "Gaps"),
    PageCheck("network", "network", "Network explorer"),
    PageCheck("brokers", "brokers", "Brokers"),
    PageCheck("partners", "partners", "Partner finder"),
    PageCheck("coalition", "coalition", "Coalition builder"),
    PageCheck("screening", "screening", "Partnership screening"),
    PageCheck("reports", "reports", "Reports"),
    PageCheck("methods", "methods", "How scores work"),
)
#: The reference page (served from :data:`REFERENCE_APP`).
REFERENCE = PageCheck("reference", "", "Reference page")
#: The target: every page renders within this multiple of the reference page's time (cold and warm).
TARGET_RATIO = 1.3


class DashboardServer:
    """The dashboard on a free 127.0.0.1 port, as ``ogpnet dashboard`` serves it (``python -m dashboard.serve``:
    it warms the latest load's shared results, then listens); ``app`` other than the dashboard's is served with
    ``streamlit run``. ``started_in``: seconds from process start until the health check answered.

    Use as a context manager: the process is always terminated (then killed if it does not stop).
    """

    def __init__(self, env: Mapping[str, str], port: int | None = None, log_path: Path | None = None,
                 app: Path = APP) -> None:
        self.env = dict(env)
        self.app = app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.started_in = 0.0
        self._log: Any = None

    def start(self, timeout: float = 300) -> DashboardServer:
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - closed in stop
        self._log = log
        launch = ["-m", "dashboard.serve"] if self.app == APP else ["-m", "streamlit", "run", str(self.app)]
        self.process = subprocess.Popen(
            [sys.executable, *launch, "--server.address", "127.0.0.1",
             "--server.port", str(self.port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.enableXsrfProtection", "true"],
            cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode} (log: {self.log_path})")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.started_in = timeout - (deadline - time.monotonic())
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"the dashboard did not answer on {self.url}/_stcore/health within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None and self._log != subprocess.DEVNULL:
            self._log.close()
        self._log = None

    def __enter__(self) -> DashboardServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's chromium (never a downloaded browser), headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def block_external(page: Page, blocked: list[str] | None = None) -> None:
    """Abort every request that does not go to 127.0.0.1/localhost (recorded in ``blocked``)."""

    def route(request_route: Any) -> None:
        url = request_route.request.url
        host = url.split("/")[2].split(":")[0] if "://" in url else ""
        if host in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            request_route.abort()

    page.route("**/*", route)


#: True when no element is still a loading placeholder, every chart and table (in-page components) is drawn and the
#: explorer has drawn its graph.
#: The title attribute of the network explorer's graph component (an iframe served by this server).
GRAPH_FRAME = 'iframe[title$="st_link_analysis"]'
_DRAWN = """() => !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'))
    && [...document.querySelectorAll('[data-testid="stBidiComponent"], [data-testid="stBidiComponentIsolated"], '
         + '[data-testid="stBidiComponentRegular"]')].every(c => c.querySelector('svg, table'))
    && [...document.querySelectorAll('""" + GRAPH_FRAME + """')].every(f => {
         const cy = f.contentDocument && f.contentDocument.getElementById('cy');
         return cy && cy._cyreg && cy._cyreg.cy.nodes().length > 0; })"""


def wait_rendered(page: Page, title: str, timeout_ms: float = 180_000) -> None:
    """Until the script has finished, the title shows, no placeholder is left and every chart and table is drawn."""
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_function(_DRAWN, timeout=timeout_ms, polling=50)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)


def open_page(page: Page, base_url: str, check: PageCheck, query: str = "", timeout_ms: float = 180_000) -> float:
    """Open a page and return the seconds until it is rendered (see :func:`wait_rendered`)."""
    started = time.perf_counter()
    page.goto(f"{base_url}/{check.path}{('?' + query) if query else ''}", wait_until="commit")
    wait_rendered(page, check.title, timeout_ms)
    return time.perf_counter() - started


# --- the benchmark ------------------------------------------------------------------------------------


def measure(env: Mapping[str, str], pages: Sequence[PageCheck], repeat: int,
            log: Callable[[str], None] = print) -> dict[str, Any]:
    """Cold and warm render times of every page against the server ``env`` points at (medians of ``repeat``)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for check in [REFERENCE, *pages]:  # the reference first, in the same run, browser and machine state
                cold, warm, startup = [], [], []
                for _ in range(repeat):
                    with DashboardServer(env, app=REFERENCE_APP if check is REFERENCE else APP) as server:
                        startup.append(server.started_in)
                        cold.append(_timed_visit(browser, server.url, check))
                        warm.append(_timed_visit(browser, server.url, check))
                out[check.name] = {"cold_median_s": round(statistics.median(cold), 3),
                                   "warm_median_s": round(statistics.median(warm), 3),
                                   "startup_median_s": round(statistics.median(startup), 3),
                                   "cold_s": [round(t, 3) for t in cold], "warm_s": [round(t, 3) for t in warm]}
                if check is not REFERENCE:
                    out[check.name] |= ratios(out[check.name], out[REFERENCE.name])
                log(f"   {check.name}: server ready in {out[check.name]['startup_median_s']:.1f} s, "
                    f"cold {out[check.name]['cold_median_s']:.2f} s, "
                    f"warm {out[check.name]['warm_median_s']:.2f} s"
                    + (f" ({out[check.name]['cold_ratio']:.2f}× / {out[check.name]['warm_ratio']:.2f}× the "
                       "reference page)" if check is not REFERENCE else " (reference page)"))
        finally:
            browser.close()
    return out


def ratios(page: Mapping[str, Any], reference: Mapping[str, Any]) -> dict[str, Any]:
    """A page's cold and warm medians as multiples of the reference page's, and whether both meet the target.

    >>> ratios({"cold_median_s": 2.6, "warm_median_s": 1.0}, {"cold_median_s": 2.0, "warm_median_s": 1.0})
    {'cold_ratio': 1.3, 'warm_ratio': 1.0, 'meets_target': True}
    """
    cold = round(page["cold_median_s"] / reference["cold_median_s"], 2)
    warm = round(page["warm_median_s"] / reference["warm_median_s"], 2)
    return {"cold_ratio": cold, "warm_ratio": warm, "meets_target": cold <= TARGET_RATIO and warm <= TARGET_RATIO}


def _timed_visit(browser: Browser, base_url: str, check: PageCheck) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        block_external(page)
        return open_page(page, base_url, check)
    finally:
        context.close()


@contextmanager
def _loaded_server(data_dir: Path, work_dir: Path, settings: Settings) -> Iterator[dict[str, str]]:
    """A throwaway Neo4j with ``data_dir`` loaded; yields the environment pointing the dashboard at it."""
    from graph.db import connect
    from graph.server import throwaway_server
    from loaders.load.directory import load_directory

    with throwaway_server(work_dir / "neo4j", settings.cache_dir, heap="2g", tx_memory="1g",
                          java=settings.java) as server:
        env = {**os.environ, "NEO4J_URI": server.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": server.password(),
               "NEO4J_DATABASE": "neo4j"}
        with connect(Settings.from_env(env)) as db:
            load_directory(db, data_dir)
        yield env


def run(scales: Sequence[float] = (1,), repeat: int = 5, *, work_dir: Path | None = None, seed: int = 1,
        settings: Settings | None = None, pages: Sequence[PageCheck] = PAGES,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    """Render times of every page at each scale: ``{"scales": [{"scale", "data", "pages": {name: {...}}}]}``.

    Scale 0 means the bundled ``data/``; other scales are synthetic datasets of that size (`bench.synthetic`).
    """
    from bench.synthetic import generate, write_dataset

    settings = settings or Settings.from_env()
    own_dir = work_dir is None
    work = Path(tempfile.mkdtemp(prefix="ogpnet-bench-dashboard-")) if work_dir is None else work_dir
    results: dict[str, Any] = {"repeat": repeat, "pages": [p.name for p in pages], "scales": [],
                               "method": "render time = navigation start until the script finished, the title is "
                                         "shown and every chart and the explorer's graph have drawn; "
                                         "cold = first page of a fresh server process (started as `ogpnet "
                                         "dashboard` starts it: shared results warmed before it listens, "
                                         "startup = until its health check answers); warm = the same page "
                                         "again in a new browser session",
                               "browser": _chromium_version()}
    try:
        for scale in scales:
            data_dir = REPO_ROOT / "data" if scale == 0 else work / f"data-{scale:g}"
            if scale != 0 and not data_dir.exists():
                write_dataset(generate(scale, seed=seed), data_dir)
            label = "bundled data/" if scale == 0 else f"synthetic {scale:g}× (seed {seed})"
            log(f"dashboard at {label}")
            scale_dir = work / f"server-{scale:g}"
            shutil.rmtree(scale_dir, ignore_errors=True)
            with _loaded_server(data_dir, scale_dir, settings) as env:
                pages_result = measure(env, pages, repeat, log)
            results["scales"].append({"scale": scale, "data": label, "pages": pages_result})
    finally:
        if own_dir:
            shutil.rmtree(work, ignore_errors=True)
    return results


def run_section(options: Options) -> dict[str, Any]:
    """``bench.run`` section ``dashboard``: the bundled data and the option scales up to 10× (at 100× a fresh
    process per page and repetition would take hours), ``options.repeat`` runs (5 recommended)."""
    scales = [0.0, *(s for s in options.scales if s <= 10)]
    return run(scales, max(1, options.repeat), work_dir=options.work_dir / "dashboard", seed=options.seed,
               settings=options.settings, log=options.log)


def summarise(results: dict[str, Any]) -> list[str]:
    """The dashboard part of SUMMARY.md: one row per page, cold and warm medians per scale.

    >>> r = {"repeat": 5, "method": "m", "browser": "Chromium 1", "scales": [{"scale": 0, "data": "bundled data/",
    ...      "pages": {"gaps": {"cold_median_s": 3.21, "warm_median_s": 0.84}}}]}
    >>> summarise(r)[-1]
    '| gaps | 3.21 | 0.84 |'
    >>> r["scales"][0]["pages"] |= {"reference": {"cold_median_s": 1.07, "warm_median_s": 0.84},
    ...                             "gaps": {"cold_median_s": 3.21, "warm_median_s": 0.84, "cold_ratio": 3.0,
    ...                                      "warm_ratio": 1.0}}
    >>> summarise(r)[-2:]
    ['| reference | 1.07 | 0.84 |', '| gaps | 3.21 (3.00×) | 0.84 (1.00×) |']
    """
    scales = results.get("scales", [])
    header = "| page | " + " | ".join(f"{e['data']} cold s (× ref) | {e['data']} warm s (× ref)"
                                     for e in scales) + " |"
    lines = ["## Dashboard: time until each page is rendered in the browser", "",
             f"Medians of {results.get('repeat')} runs; {results.get('method')}. {results.get('browser', '')}, "
             "every request outside 127.0.0.1 blocked. *Reference*: a two-line Streamlit page "
             f"(`bench/reference_app.py`) timed the same way in the same run; target ≤ {TARGET_RATIO}× it.", "",
             header, "|---|" + "---|---|" * len(scales)]
    names = results.get("pages") or (list(scales[0]["pages"]) if scales else [])
    for name in ["reference", *(n for n in names if n != "reference")]:
        cells = []
        for e in scales:
            p = e["pages"].get(name, {})
            for phase in ("cold", "warm"):
                median = f"{p.get(f'{phase}_median_s', float('nan')):.2f}"
                ratio = p.get(f"{phase}_ratio")
                cells.append(median + (f" ({ratio:.2f}×)" if ratio is not None else ""))
        if any(cell != "nan" for cell in cells):
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    startups = [(e["data"], [p["startup_median_s"] for n, p in e["pages"].items()
                             if n != "reference" and "startup_median_s" in p]) for e in scales]
    if any(times for _, times in startups):
        lines += ["", "Start-up of the dashboard's server (until its health check answers; it warms the load's "
                  "shared results first), median over the pages' runs: " + "; ".join(
                      f"{data} {statistics.median(times):.1f} s" for data, times in startups if times) + "."]
    return lines


def _chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "chromium (version unknown)"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.dashboard [SCALES] [REPEAT]``: print the results as JSON (0 = the bundled data)."""
    import json

    args = list(argv if argv is not None else sys.argv[1:])
    scales = tuple(float(s) for s in args[0].split(",")) if args else (0.0,)
    repeat = int(args[1]) if len(args) > 1 else 5
    results = run(scales, repeat, log=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
