"""The project store: one SQLite file per project; the only place with SQL."""

from annotator.store.project import APPLICATION_ID, Project

__all__ = ["APPLICATION_ID", "Project"]
