"""How to fetch: the limits, politeness, timeouts and retries one run of the fetcher keeps."""

from __future__ import annotations

from dataclasses import dataclass

from pressdiff import __version__
from pressdiff.errors import UsageError

DEFAULT_USER_AGENT = f"pressdiff/{__version__} (+https://example.invalid/pressdiff)"

ARTICLE_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "application/gzip",  # compressed sitemaps
        "application/x-gzip",
        "application/warc",
    }
)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How to fetch: limits, politeness, timeouts, retries and what to refuse."""

    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = 16  # requests in flight at once, all hosts together
    per_host: int = 2  # requests in flight at once to one host (scheme, name and port)
    host_delay: float = 0.5  # least seconds between the starts of two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest wait for the next bytes
    total_timeout: float = 60.0  # longest one request may take, headers and body
    deadline: float = 60.0  # longest one URL may take from its first request, retries included
    robots_timeout: float = 20.0  # longest robots.txt may take, once per origin
    retries: int = 3  # attempts after the first, for connection errors, 429 and 5xx
    backoff_base: float = 0.5  # seconds before the first retry, doubled each time, jittered
    backoff_max: float = 30.0
    retry_after_max: float = 120.0  # a longer Retry-After ends the retries
    max_redirects: int = 10
    max_bytes: int = 10_000_000  # of decoded body; larger bodies are aborted
    allow_private: bool = False  # fetch loopback, private and link-local addresses
    respect_robots: bool = True
    max_crawl_delay: float = 30.0  # robots.txt Crawl-delay is honoured up to this
    content_types: frozenset[str] = ARTICLE_CONTENT_TYPES  # a missing Content-Type is allowed
    trust_env: bool = False  # use proxy settings from the environment

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host < 1:
            raise UsageError("concurrency and per_host must be at least 1")
        if min(self.host_delay, self.retries, self.max_redirects, self.max_bytes) < 0:
            raise UsageError("host_delay, retries, max_redirects and max_bytes cannot be negative")
        if min(self.total_timeout, self.deadline, self.robots_timeout) <= 0:
            raise UsageError("total_timeout, deadline and robots_timeout must be positive")

    @property
    def robots_agent(self) -> str:
        """The product token robots.txt groups are matched against ("pressdiff")."""
        return self.user_agent.split("/", 1)[0].strip().lower() or "*"
