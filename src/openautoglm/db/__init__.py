"""The project's relational store (registry, feedback, retrain jobs): SQLAlchemy + Alembic."""
