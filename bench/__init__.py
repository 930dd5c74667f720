"""Speed figures and performance targets (`make bench`, `python -m bench`), kept out of the apps.

The bench seeds its own database in bulk SQL (seed.py) and starts its own servers
(processes.py); the apps never import this package.
"""
