-- Which articles did the demo load, and which story is each in?
select url, site, n_versions, story_id
from articles
order by url
