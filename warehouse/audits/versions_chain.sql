-- Versions that break their article's chain: arrival numbers run 1, 2 ... n, none skipped (or used twice).
select version_id, article_id, version_no, expected_no
from (
    select version_id, article_id, version_no,
           row_number() over (partition by article_id order by version_no, version_id) as expected_no
    from core.versions
)
where version_no <> expected_no
