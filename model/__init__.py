"""The data model: the lowest layer of ogpnet. It imports nothing else of the project.

* :mod:`model.schema` - the canonical tables, their columns and how each maps onto the graph.
* :mod:`model.tables` - reading and normalising those tables (pandas dtypes).
* :mod:`model.facts` - :class:`~model.facts.Facts`, the tables as every analysis takes them.
* :mod:`model.config` - the analysis settings (thresholds, weights, seeds).
* :mod:`model.errors` - the project's exceptions and the located ``Problem``.
"""
