"""The viewer's pages, server-rendered: each route validates its parameters, asks a few
questions of a read-only connection, and fills a template (Jinja2, autoescaped).

Addresses people can link to:

    /                                   notable changes, busiest articles, outlets, stories
    /article/{article_id}               version timeline and a chart of edits over time
    /article/{article_id}/diff?from=V&to=V   any two versions (default: the last revision)
    /story/{story_id}                   the original and each republication, side by side
    /outlet/{site}                      how often and how much an outlet edits, its swaps
    /swaps                              terms swapped across outlets
    /search?q=WORDS[&gone=1]            every version's text; gone: no longer in the latest
    /feed.atom[?rule=RULE][&outlet=SITE]   notable changes as Atom
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pressdiff.errors import PressdiffError, WarehouseLockedError
from pressdiff.web import charts, diffs, feed, fulltext, queries
from pressdiff.web.reader import reading

HERE = Path(__file__).parent
ID = re.compile(r"^[0-9a-f]{16}$")
SITE = re.compile(r"^[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?$")
RULES = (
    "headline changed",
    "quote removed",
    "number changed",
    "sentences removed",
    "correction added",
)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _ts(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["ts"] = _ts
templates.globals["RULES"] = RULES


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    """Template `name` filled with `context`, the feed it advertises defaulting to all."""
    context.setdefault("feed_url", "/feed.atom")
    context.setdefault("feed_title", "pressdiff: notable changes")
    html = templates.get_template(name).render(request=request, **context)
    return HTMLResponse(html, status_code=status)


def valid_id(value: str | None, what: str) -> str:
    """`value` when it is a 16-hex-digit id; else the page is a 404."""
    if value is None or not ID.match(value):
        raise HTTPException(404, f"no {what} has the id {value!r}")
    return value


def valid_site(value: str | None) -> str:
    if value is None or not SITE.match(value):
        raise HTTPException(404, f"no outlet is called {value!r}")
    return value


def found(row: dict | None, what: str) -> dict:
    if row is None:
        raise HTTPException(404, f"no {what} with that id is in the warehouse")
    return row


def known(version_id: str, ids: list[str]) -> str:
    """`version_id` when it is one of the article's versions; else a 404."""
    if version_id not in ids:
        raise HTTPException(404, f"this article has no version {version_id!r}")
    return version_id


def db(request: Request) -> str:
    return request.app.state.db


def home(request: Request) -> Response:
    with reading(db(request)) as con:
        return page(
            request,
            "home.html",
            notable=queries.rows(con, "recent_notable", rule=None, site=None, limit=30),
            articles=queries.rows(con, "busiest_articles", limit=15),
            outlets=queries.rows(con, "busiest_outlets", site=None, limit=15),
            stories=queries.rows(con, "stories", limit=15),
        )


def article(request: Request) -> Response:
    article_id = valid_id(request.path_params["article_id"], "article")
    with reading(db(request)) as con:
        a = found(queries.one(con, "article", article_id=article_id), "article")
        versions = queries.rows(con, "article_versions", article_id=article_id)
        by_day = queries.rows(con, "edits_by_day", article_id=article_id, site=None)
        text = queries.rows(con, "version_text", version_id=a["latest_version_id"])
    chart = charts.bars(
        [(d["day"], d["n_revisions"], d["n_edits"]) for d in by_day],
        "edits per day",
        start=a["first_seen"].date(),
    )
    return page(request, "article.html", a=a, versions=versions[::-1], chart=chart, text=text)


def article_diff(request: Request) -> Response:
    article_id = valid_id(request.path_params["article_id"], "article")
    with reading(db(request)) as con:
        a = found(queries.one(con, "article", article_id=article_id), "article")
        versions = queries.rows(con, "article_versions", article_id=article_id)
        ids = [v["version_id"] for v in versions]
        if len(ids) < 2:
            raise HTTPException(404, "this article has one version: nothing to compare")
        new_id = known(request.query_params.get("to") or ids[-1], ids)
        old_id = known(request.query_params.get("from") or ids[max(ids.index(new_id) - 1, 0)], ids)
        byid = {v["version_id"]: v for v in versions}
        d = diffs.diff(con, old_id, new_id, {k: v["byline"] for k, v in byid.items()})
    return page(
        request, "diff.html", a=a, versions=versions, old=byid[old_id], new=byid[new_id], d=d
    )


def story(request: Request) -> Response:
    story_id = valid_id(request.path_params["story_id"], "story")
    with reading(db(request)) as con:
        s = found(queries.one(con, "story", story_id=story_id), "story")
        members = queries.rows(con, "story_members", story_id=story_id)
        bylines = {m["version_id"]: m["byline"] for m in members}
        original = s["original_version_id"]
        for m in members:
            if not m["is_original"]:
                base = m["compared_with"] or original
                m["diff"] = diffs.diff(con, base, m["version_id"], bylines, context=0)
    return page(request, "story.html", s=s, members=members)


def outlet(request: Request) -> Response:
    site = valid_site(request.path_params["site"])
    with reading(db(request)) as con:
        stats = found(queries.one(con, "busiest_outlets", site=site, limit=1), "outlet")
        articles = queries.rows(con, "outlet_articles", site=site, limit=50)
        swaps = queries.rows(con, "term_swaps", site=site, limit=50)
        notable = queries.rows(con, "recent_notable", rule=None, site=site, limit=20)
        by_day = queries.rows(con, "edits_by_day", article_id=None, site=site)
    chart = charts.bars(
        [(d["day"], d["n_revisions"], d["n_edits"]) for d in by_day], f"{site}: edits per day"
    )
    return page(
        request,
        "outlet.html",
        site=site,
        stats=stats,
        articles=articles,
        swaps=swaps,
        notable=notable,
        chart=chart,
        feed_url=f"/feed.atom?outlet={site}",
        feed_title=f"pressdiff: notable changes at {site}",
    )


def swaps(request: Request) -> Response:
    with reading(db(request)) as con:
        rows = queries.rows(con, "term_swaps", site=None, limit=500)
    return page(request, "swaps.html", swaps=rows)


def search(request: Request) -> Response:
    q = request.query_params.get("q", "")[: fulltext.MAX_QUERY]
    gone = request.query_params.get("gone") == "1"
    with reading(db(request)) as con:
        results = fulltext.search(con, q, gone=gone) if q.strip() else []
        index = fulltext.state(con)
    for r in results:
        r["snippet"] = fulltext.snippet(r.pop("text"), fulltext.clean_query(q))
    return page(request, "search.html", q=q, gone=gone, results=results, index=index)


def atom(request: Request) -> Response:
    rule = request.query_params.get("rule")
    site = request.query_params.get("outlet")
    if rule is not None and rule not in RULES:
        raise HTTPException(404, f"no notable-change rule is called {rule!r}")
    if site is not None:
        valid_site(site)
    with reading(db(request)) as con:
        entries = queries.rows(con, "recent_notable", rule=rule, site=site, limit=100)
    base = str(request.base_url).rstrip("/")
    title = "pressdiff: " + (rule or "notable changes") + (f" at {site}" if site else "")

    def link(e: dict) -> str:
        return (
            f"{base}/article/{e['article_id']}/diff?from={e['old_version_id']}&to={e['version_id']}"
        )

    body = feed.atom(title, str(request.url), base + "/", entries, link)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


async def http_error(request: Request, exc: HTTPException) -> Response:
    return page(request, "error.html", exc.status_code, code=exc.status_code, message=exc.detail)


async def warehouse_error(request: Request, exc: Exception) -> Response:
    busy = isinstance(exc, WarehouseLockedError | duckdb.IOException)
    message = str(exc) if isinstance(exc, PressdiffError) else "the warehouse is busy"
    code = 503 if busy else 500
    return page(request, "error.html", code, code=code, message=message)


class SecurityHeaders(BaseHTTPMiddleware):
    """Every response: no scripts, no framing, no sniffing, no referrer; an unexpected
    error is an error page and one line on stderr, not a traceback."""

    async def dispatch(self, request, call_next):
        try:
            response = await call_next(request)
        except Exception as exc:
            print(
                f"pressdiff web: {request.url.path}: {type(exc).__name__}: {exc}", file=sys.stderr
            )
            response = page(
                request, "error.html", 500, code=500, message="something went wrong on this page"
            )
        response.headers.update(HEADERS)
        return response


def create_app(db: str | Path) -> Starlette:
    """The viewer over the warehouse at `db`."""
    app = Starlette(
        routes=[
            Route("/", home),
            Route("/article/{article_id}", article),
            Route("/article/{article_id}/diff", article_diff),
            Route("/story/{story_id}", story),
            Route("/outlet/{site}", outlet),
            Route("/swaps", swaps),
            Route("/search", search),
            Route("/feed.atom", atom),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={
            HTTPException: http_error,
            PressdiffError: warehouse_error,
            duckdb.IOException: warehouse_error,
        },
    )
    app.state.db = str(db)
    return app
