"""Alembic environment: runs on the engine the caller put in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from openautoglm.db.schema import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
