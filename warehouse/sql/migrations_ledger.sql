-- Where does the warehouse record which migrations it has applied?
CREATE SCHEMA IF NOT EXISTS core;
CREATE TABLE IF NOT EXISTS core.schema_migrations (
    name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL
)
