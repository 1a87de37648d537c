"""Metrics of a classifier's probabilities."""
