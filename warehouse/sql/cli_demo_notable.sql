-- Which revisions are notable, and by which rule?
select url, rule, detail
from notable_changes
order by url, rule
