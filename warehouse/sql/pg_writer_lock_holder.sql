-- Who holds the writer lock of this PostgreSQL catalog? (run by psycopg; the parameters are
-- the advisory key's high and low 32 bits; the holder's application_name names it)
select coalesce(
           nullif(a.application_name, ''),
           'PostgreSQL backend ' || a.pid || ' (client ' || coalesce(host(a.client_addr), 'local') || ')'
       ) as holder
from pg_locks l
join pg_stat_activity a on a.pid = l.pid
where l.locktype = 'advisory'
  and l.granted
  and l.database = (select oid from pg_database where datname = current_database())
  and l.classid::text::bigint = %s
  and l.objid::text::bigint = %s
  and l.objsubid = 1
limit 1
