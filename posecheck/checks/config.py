"""Check thresholds from a TOML file (``--checks-config``), read and validated once at the edge.

The file has one table per check id, with the keyword parameters of that check's ``check``
function (``posecheck checks`` lists them with their defaults and sources)::

    [knee]
    watch_below_deg = 18.0

    [cadence]
    watch_below_spm = 165
"""

from __future__ import annotations

import sys
from pathlib import Path

from posecheck.errors import PosecheckError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def load_thresholds(path: str | Path) -> dict[str, dict[str, float]]:
    """``{check id: {parameter: value}}`` from a TOML file; a :class:`PosecheckError` naming
    the problem for a missing or unreadable file, an unknown check or parameter, or a value
    that is not a number."""
    from posecheck.checks.registry import BY_ID, default_thresholds

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PosecheckError(f"{path}: no such checks config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PosecheckError(f"{path}: cannot read the checks config ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PosecheckError(f"{path}: not valid TOML ({exc})") from exc
    out: dict[str, dict[str, float]] = {}
    for check_id, table in data.items():
        if check_id not in BY_ID:
            raise PosecheckError(f"{path}: unknown check [{check_id}]; checks are "
                                 f"{', '.join(BY_ID)}")
        if not isinstance(table, dict):
            raise PosecheckError(f"{path}: [{check_id}] must be a table of thresholds")
        defaults = default_thresholds(BY_ID[check_id])
        for key, value in table.items():
            if key not in defaults:
                raise PosecheckError(f"{path}: [{check_id}] has no threshold {key!r}; it has "
                                     f"{', '.join(defaults)}")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise PosecheckError(f"{path}: [{check_id}] {key} must be a number, got "
                                     f"{value!r}")
            if isinstance(defaults[key], int) and not float(value).is_integer():
                raise PosecheckError(f"{path}: [{check_id}] {key} must be a whole number, got "
                                     f"{value!r}")
        out[check_id] = {key: type(defaults[key])(value) for key, value in table.items()}
    return out
