"""Cypher, kept together as named constants and small builders.

Values are always parameters. A label or relationship type that must vary comes
from the :class:`graph.schema.Label` / :class:`graph.schema.RelType` enums, never
from user input.
"""
