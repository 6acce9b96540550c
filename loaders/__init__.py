"""Loaders: two pipelines, each in its own folder.

* :mod:`loaders.build` - raw public files -> the canonical CSV dataset in ``data/``;
* :mod:`loaders.load` - a canonical CSV dataset -> Neo4j.

Both read text through :mod:`loaders.textio` (one encoding policy: UTF-8, never guessed) and check values
with :mod:`model.validation`.
"""
