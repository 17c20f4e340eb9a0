-- Which inputs of a run were refused for their loopback or private address, by kind?
select regexp_extract(detail, 'blocked: ([a-z-]+) address', 1) as kind, count(*) as n
from rejects
where run_id = ? and regexp_matches(detail, 'blocked: [a-z-]+ address')
group by kind
order by n desc, kind
