-- What versions does each of the demo's articles have?
select
    a.url,
    v.version_no,
    v.title,
    v.published_at::date as published,
    v.dateline,
    v.n_words
from versions v
join articles a using (article_id)
order by a.url, version_no
