"""What pressdiff does: plain typed functions, each module ending in its Prefect tasks."""
