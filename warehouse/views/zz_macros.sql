-- Table macros: every article as it stood at a moment, and one article's history.
-- (Named zz_ so it is created after the views it reads.)
create or replace macro article_as_of(ts) as table
    select *
    from versions
    where valid_from <= ts::timestamptz
      and (valid_to is null or valid_to > ts::timestamptz);

-- (history reads core.articles and core.comparisons, not their views: the same rows for
-- the columns it shows, without the views' warehouse-wide aggregates, which took seconds
-- at 100,000 versions.)
create or replace macro history(url_or_id) as table
    with one_article as (
        select v.*, lag(v.version_id) over (order by v.version_no) as previous_version_id
        from versions v
        where v.article_id in (
            select article_id from core.articles
            where url = url_or_id or article_id = url_or_id
        )
    )
    select
        v.version_no, v.version_id, v.seen_at, v.valid_from, v.valid_to, v.title,
        v.published_at, v.n_words, c.comparison_id, c.n_same, c.n_changed, c.n_added,
        c.n_removed, c.n_moved, c.title_changed
    from one_article v
    left join core.comparisons c
        on c.new_version_id = v.version_id
       and c.old_version_id = v.previous_version_id
       and c.relation = 'revision'
    order by v.version_no desc;
