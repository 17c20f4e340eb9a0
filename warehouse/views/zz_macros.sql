-- Table macros: every article as it stood at a moment, and one article's history.
-- (Named zz_ so it is created after the views it reads.)
create or replace macro article_as_of(ts) as table
    select *
    from versions
    where valid_from <= ts::timestamptz
      and (valid_to is null or valid_to > ts::timestamptz);

create or replace macro history(url_or_id) as table
    with one_article as (
        select v.*, lag(v.version_id) over (order by v.version_no) as previous_version_id
        from versions v
        join articles a using (article_id)
        where a.url = url_or_id or a.article_id = url_or_id
    )
    select
        v.version_no, v.version_id, v.seen_at, v.valid_from, v.valid_to, v.title,
        v.published_at, v.n_words, c.comparison_id, c.n_same, c.n_changed, c.n_added,
        c.n_removed, c.n_moved, c.title_changed
    from one_article v
    left join comparisons c
        on c.new_version_id = v.version_id
       and c.old_version_id = v.previous_version_id
       and c.relation = 'revision'
    order by v.version_no desc;
