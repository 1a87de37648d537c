"""Retrain pipelines: train → evaluate → gate → register → promote, from a YAML file."""
