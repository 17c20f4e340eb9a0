-- Versions whose validity ends before it starts: the seen_at chain is broken.
select version_id, article_id, valid_from, valid_to
from versions
where valid_to is not null and valid_to < valid_from
