"""Protection of live traffic around a migration (PostgreSQL first).

The engine calls this package through small interfaces and never the other way round:

* lock and statement timeouts with retries bounded by total time, and who blocked each attempt;
* pre-checks before a run (``lockgate check``), the plan and the rehearsal;
* the live view of sessions and lock waits (``lockgate monitor``) and post-checks after a run.

Nothing here prints: results are values, progress goes through the run's event callback.
"""
