"""Performance benchmarks for coursekit. Run ``python -m benchmarks``."""
