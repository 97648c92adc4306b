"""general_app's one table: the version its cached platform statistics are read under."""

from core.db.versions import DataVersion


class StatisticsVersion(DataVersion):
    """The statistics' data version (core.db.versions): replaced with every write that changes a statistic.

    Those are offers created or deleted, reviews saved or deleted, and users created, deleted or given
    another type (general_app.signals).
    """
