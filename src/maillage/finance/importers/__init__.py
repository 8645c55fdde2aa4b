"""The finance module's imports (core.imports discovers this package: import each module here).

- `fec`: the ledger's lines from a FEC file;
- `time_entries`: hours per person, day, project and agreement (the `time` import).
"""

from . import fec, time_entries  # noqa: F401
