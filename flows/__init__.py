"""How pressdiff's work is composed: Prefect flows made of task calls."""
