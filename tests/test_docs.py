"""README stays true: every setting and every command is documented, the two commands come first."""

from __future__ import annotations

import re
from pathlib import Path

import click

from graph.settings import ALL_SETTINGS
from ogpnet.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    missing = [s.env for s in ALL_SETTINGS if f"`{s.env}`" not in README]
    assert not missing, f"settings not in README: {missing}"


def test_every_command_is_documented() -> None:
    def walk(group: click.Group, prefix: str) -> list[str]:
        names = []
        for name, cmd in group.commands.items():
            full = f"{prefix} {name}"
            names.append(full)
            if isinstance(cmd, click.Group):
                names.extend(walk(cmd, full))
        return names

    missing = [c for c in walk(main, "ogpnet") if c not in README]
    assert not missing, f"commands not in README: {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    assert README.index("make run") < README.index("## ")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci


def test_readme_generated_sections_are_up_to_date() -> None:
    """The methods and analysis settings in README are what the registries render now."""
    from presentation.readme import render_readme

    assert README == render_readme(README), "README is out of date: run `python -m presentation.readme`"


def test_every_method_is_in_readme_and_every_readme_setting_exists() -> None:
    from model.config import AnalysisConfig
    from presentation.methods import METHODS

    for m in METHODS:
        assert f"**{m.title}**" in README, m.key
    documented = set(re.findall(r"`OGPNET_([A-Z_]+)`", README))
    settings = {name.upper() for name, _, _ in AnalysisConfig.describe()}
    assert settings <= documented


def test_every_error_kind_has_its_own_documented_exit_code() -> None:
    """Each error class exits with a code README explains; different kinds do not share a code, apart from the
    documented 2 (a wrong option and an invalid dataset are both wrong input)."""
    import importlib
    import pkgutil

    import dashboard
    import graph
    import loaders
    import model
    import ogpnet
    import reports
    from model.errors import EXIT_CODES, INTERNAL_ERROR, OgpnetError

    for package in (model, graph, loaders, reports, ogpnet):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
    del dashboard  # its errors only show on a page, never as an exit code

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    kinds: dict[int, set[str]] = {}
    for cls in subclasses(OgpnetError):
        if cls.__module__.startswith(("model", "graph", "loaders", "reports", "ogpnet")):
            base = next(b for b in cls.__mro__ if b.__dict__.get("exit_code") is not None)
            kinds.setdefault(cls.exit_code, set()).add(base.__name__)
    assert set(kinds) | {INTERNAL_ERROR} <= set(EXIT_CODES), "an exit code is not documented"
    shared = {code: names for code, names in kinds.items() if len(names) > 1}
    assert shared == {2: {"UsageError", "ValidationError"},
                      65: {"TableError", "BuildError", "UnreadableIntake"}}, shared
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in README
