-- Which views does the warehouse offer, and what does each answer?
select
    v.view_name as view,
    count(c.column_name)::integer as columns,
    coalesce(v.comment, '') as description
from duckdb_views() v
join duckdb_columns() c
  on c.table_name = v.view_name and c.schema_name = v.schema_name
where not v.internal and v.schema_name = 'main' and v.database_name = current_database()
group by v.view_name, v.comment
order by v.view_name
