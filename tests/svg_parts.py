"""Reading the dashboard's SVG charts back in tests: the shapes with a hover text, the legend, the clickable parts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart as XML (fails when the markup is not well-formed)."""
    return ET.fromstring(svg)


def titled(svg: str) -> list[tuple[str, ET.Element]]:
    """Every shape (not text) with a hover text: ``(hover text, element)``, in drawing order."""
    out = []
    for element in parse(svg).iter():
        title = element.find(f"{NS}title")
        if title is not None and element.tag != f"{NS}text":
            out.append((title.text or "", element))
    return out


def legend(svg: str) -> dict[str, str]:
    """Legend entry -> its swatch colour (a 12×12 square followed by its text)."""
    out: dict[str, str] = {}
    for parent in parse(svg).iter():
        children = list(parent)
        for swatch, text in zip(children, children[1:], strict=False):
            if (swatch.tag == f"{NS}rect" and swatch.get("width") == "12" and swatch.get("height") == "12"
                    and text.tag == f"{NS}text"):
                out[text.text or ""] = swatch.get("fill", "")
    return out


def picks(svg: str) -> dict[str, ET.Element]:
    """Clickable shapes by their ``data-pick`` value."""
    return {e.get("data-pick", ""): e for e in parse(svg).iter() if e.get("data-pick")}
