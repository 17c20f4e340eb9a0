-- Which core tables does a catalog hold (but the one named), each with its columns in order?
-- (what `pressdiff migrate-warehouse` copies, column by column, from OLD to NEW)
select table_name, list(column_name order by column_index) as columns
from duckdb_columns()
where database_name = $1
  and schema_name = 'core'
  and table_name <> $2
  and not internal
group by table_name
order by table_name
