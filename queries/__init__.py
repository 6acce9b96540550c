"""Cypher, kept together as named constants and small builders.

Values are always parameters. A label or relationship type that must vary comes
from the :class:`model.schema.Label` / :class:`model.schema.RelType` enums, never
from user input.
"""
