"""Benchmarks: `make bench` (full) and `make bench-quick`. Results in bench/results/latest.json."""
