"""Raw public files -> the canonical CSV dataset (``ogpnet data build``).

:mod:`loaders.build.sources` holds one adapter per public source (pure: ``parse_x(files) -> rows``);
:mod:`loaders.build.dataset` merges their rows, checks them with the one validator
(:mod:`model.validation`) and writes ``data/`` atomically with its build report (:mod:`loaders.build.build_report`).
"""
