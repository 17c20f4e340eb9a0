-- Who ran the wire story, and how much of it?
select
    a.url,
    m.is_original,
    round(m.jaccard, 2) as jaccard,
    round(m.containment, 2) as containment
from story_members m
join articles a using (article_id)
order by m.is_original desc, a.url
