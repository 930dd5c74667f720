"""Speed figures (`make bench`): development tools, kept out of the apps.

Benchmarks may seed data with the test factories; the apps never import this package or tests/.
"""
