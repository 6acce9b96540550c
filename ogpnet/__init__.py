"""The `ogpnet` command: a thin shell wiring graph/, loaders/, queries/ and dashboard/ together."""
