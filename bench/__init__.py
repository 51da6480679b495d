"""Benchmarks: one script per scenario; `make bench` runs them all."""
