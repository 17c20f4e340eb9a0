-- What are the columns of one view, their types, and what does each mean?
select
    c.column_name as column,
    c.data_type as type,
    coalesce(c.comment, '') as description
from duckdb_columns() c
join duckdb_views() v
  on c.table_name = v.view_name and c.schema_name = v.schema_name
 and c.database_name = v.database_name
where not v.internal and v.schema_name = 'main' and v.database_name = current_database()
  and v.view_name = ?
order by c.column_index
