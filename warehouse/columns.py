"""Rows gathered column by column, for one bulk insert (warehouse/store.py insert_arrow)."""

from __future__ import annotations


class Columns(dict[str, list]):
    """Rows gathered column by column, for one bulk insert."""

    def add(self, **values: object) -> None:
        """Append one row."""
        for k, v in values.items():
            self.setdefault(k, []).append(v)
