"""Benchmarks: synthetic datasets at 1×/10×/100× (`bench.synthetic`), load throughput (`bench.load`), the runner
(`bench.run`, ``make bench``) writing ``bench/results/``."""
