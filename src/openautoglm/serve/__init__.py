"""The HTTP service: predict, feedback, models, health and Prometheus metrics (FastAPI)."""
