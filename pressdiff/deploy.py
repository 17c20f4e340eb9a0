"""`pressdiff deploy`: deployments/prefect.yaml on a Prefect server, for a process worker.

`pressdiff serve` runs the schedules itself; this is the other way, the one Prefect users
know: the deployments are registered on the server PREFECT_API_URL names, for a `process`
work pool (created when missing), and `prefect worker start --pool pressdiff-local` runs
them. Each deployment gets

- the warehouse (`--db`, else $PRESSDIFF_DB, else ./pressdiff.duckdb) as its `db`
  parameter, as an absolute path (a postgresql:// URL as it is), so a run from the UI or
  `prefect deployment run` works, and a lake's --data-path in its runs' environment;
- this checkout as its code (a `set_working_directory` pull step);
- its name from prefect.yaml with `-worker` appended (`tick/poll-watchlist-worker`), so
  it never collides with what `pressdiff serve` registers on the same server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass

from pressdiff.errors import SetupError
from pressdiff.prefect_server import healthy
from pressdiff.serve import DEPLOYMENTS, load_deployments
from warehouse.lake import located

ROOT = DEPLOYMENTS.parents[1]
SUFFIX = "-worker"


@dataclass(frozen=True, slots=True)
class Deployed:
    """One registered deployment: `flow/name`, and when it runs."""

    full_name: str
    schedule: str


def deploy(db: str, work_pool: str | None = None) -> tuple[str, list[Deployed]]:
    """Create the work pool if missing and register every deployment for it; returns the
    pool's name and what was registered."""
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        raise SetupError(
            "pressdiff deploy registers the schedules on a Prefect server: start one "
            "(prefect server start) and set PREFECT_API_URL=http://127.0.0.1:4200/api, "
            "or run them here with pressdiff serve"
        )
    if not healthy(api):
        raise SetupError(f"no Prefect server answers at PREFECT_API_URL={api}")
    specs = load_deployments()
    pool = work_pool or specs[0]["work_pool"]["name"]
    asyncio.run(ensure_work_pool(pool))
    return pool, [register(spec, located(db), pool) for spec in specs]


async def ensure_work_pool(name: str) -> None:
    """Create a `process` work pool called `name`, unless it exists."""
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.workers.process import ProcessWorker

    template = ProcessWorker.get_default_base_job_template()
    async with get_client() as client:
        with contextlib.suppress(ObjectAlreadyExists):
            await client.create_work_pool(
                WorkPoolCreate(name=name, type="process", base_job_template=template)
            )


def register(spec: dict, db: str, pool: str) -> Deployed:
    """Register one prefect.yaml deployment on the server, for `pool`'s workers."""
    from prefect import Flow
    from prefect.client.schemas.objects import ConcurrencyLimitConfig

    flow = Flow.from_source(source=str(ROOT), entrypoint=spec["entrypoint"])
    sched = spec["schedules"][0]
    limit = spec.get("concurrency_limit") or {}
    name = spec["name"] + SUFFIX
    data = os.environ.get("PRESSDIFF_DATA_PATH")  # a lake's files, where the runs find them
    deployment = flow.to_deployment(
        name=name,
        description=spec.get("description"),
        parameters={**(spec.get("parameters") or {}), "db": db},
        schedules=[schedule(sched)],
        concurrency_limit=ConcurrencyLimitConfig(**limit) if limit else None,
        work_pool_name=pool,
        work_queue_name=spec.get("work_pool", {}).get("work_queue_name"),
        job_variables={"env": {"PRESSDIFF_DATA_PATH": data}} if data else None,
    )
    deployment.apply(work_pool_name=pool)
    every = f"every {sched['interval']} s" if "interval" in sched else f"cron {sched['cron']}"
    return Deployed(f"{flow.name}/{name}", every)


def schedule(sched: dict):
    """A prefect.yaml schedule (interval in seconds, or cron with its timezone)."""
    from datetime import timedelta

    from prefect.schedules import Cron, Interval

    if "interval" in sched:
        return Interval(timedelta(seconds=sched["interval"]))
    return Cron(sched["cron"], timezone=sched.get("timezone", "UTC"))
