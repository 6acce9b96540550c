"""The canonical CSV dataset -> Neo4j (``ogpnet load``).

:mod:`loaders.load.csv_reader` reads each file's structure, :mod:`loaders.load.validate` checks every value
with the one validator (:mod:`model.validation`), :mod:`loaders.load.writer` writes the dataset in one
transaction, and :mod:`loaders.load.directory` puts the steps together.
"""
