"""The task that expands what the user named into inputs (tasks/inputs/discover.py)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.inputs.discover import plan_inputs

plan = task(name="plan-inputs", cache_policy=NO_CACHE)(plan_inputs)
