"""Cypher for a full, ordered dump of the graph (tests and ``ogpnet db dump``)."""

from typing import LiteralString

DUMP_NODES: LiteralString = (
    "MATCH (n) WHERE $with_runs OR NOT n:LoadRun "
    "RETURN labels(n) AS labels, properties(n) AS props ORDER BY labels(n)[0], n.id"
)
DUMP_RELS: LiteralString = (
    "MATCH (a)-[r]->(b) "
    "RETURN type(r) AS type, labels(a)[0] AS start_label, a.id AS start, labels(b)[0] AS end_label, b.id AS end, "
    "properties(r) AS props ORDER BY type(r), r.key, a.id, b.id"
)
COUNT_GRAPH: LiteralString = (
    "MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS relationships"
)
