"""README's generated sections: the methods and the catalogue (from :mod:`presentation.methods`), the analysis
settings (from :class:`model.config.AnalysisConfig`) and the exit codes (from :mod:`model.errors`).

``python -m presentation.readme`` rewrites them in place; ``tests/test_docs.py`` fails when README differs from
what this module generates, so the texts people read in README, on the dashboard's methods page and in the
reports' methodology are the same.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from model.config import AnalysisConfig
from model.errors import EXIT_CODES
from presentation.methods import catalogue_markdown, methods_markdown

__all__ = ["SECTIONS", "exit_codes_table", "generated_sections", "render_readme", "settings_table"]

README = Path(__file__).resolve().parent.parent / "README.md"


def settings_table() -> str:
    """The analysis settings as a Markdown table: variable, default, meaning."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, default, help_text in AnalysisConfig.describe():
        text = (",".join(default) if isinstance(default, tuple) else str(default).lower()
                if isinstance(default, bool) else str(default))
        rows.append(f"| `{AnalysisConfig.env_name(name)}` | `{text}` | {help_text} |")
    return "\n".join(rows) + "\n"


def exit_codes_table() -> str:
    """Every exit code of ``ogpnet`` and what it means (:data:`model.errors.EXIT_CODES`)."""
    rows = ["| exit code | meaning |", "|---|---|", *(f"| {code} | {text} |" for code, text in EXIT_CODES.items())]
    return "\n".join(rows) + "\n"


def _methods() -> str:
    return methods_markdown(heading="###")


#: marker name -> the function that renders the section
SECTIONS: dict[str, Callable[[], str]] = {"methods": _methods, "catalogue": catalogue_markdown,
                                          "analysis-settings": settings_table, "exit-codes": exit_codes_table}


def generated_sections() -> dict[str, str]:
    return {name: render() for name, render in SECTIONS.items()}


def render_readme(text: str) -> str:
    """``text`` with every generated section replaced by what this module renders now."""
    for name, body in generated_sections().items():
        pattern = re.compile(rf"(<!-- BEGIN generated: {name} -->\n).*?(<!-- END generated: {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no generated section {name!r}")
        text = pattern.sub(_replacement(body), text)
    return text


def _replacement(body: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(1) + body + m.group(2)


def main() -> int:  # pragma: no cover - a maintainer's command
    README.write_text(render_readme(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote the generated sections of {README}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
