"""Corrections from users: the durable store, statistics and drift, retrain triggers."""
