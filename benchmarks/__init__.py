"""Benchmarks for protectpress: `python -m benchmarks` (`make bench`). See benchmarks/README.md."""
