"""Whether this instance is well: readiness checks (`health.py`), the job queue and
database figures read at scrape time (`figures.py`) and the Prometheus metrics
(`metrics.py`) that /health/ready and /metrics answer with."""
