"""pressdiff: how the news changes, in DuckDB."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pressdiff")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
