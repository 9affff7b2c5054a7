"""Benchmarks: each prints its figures and the size of the data it ran on."""
