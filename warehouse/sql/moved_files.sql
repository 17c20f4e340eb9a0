-- Which new url-less articles (table wanted: article_id, text_hash) are a stored url-less
-- article's current text under another name: a local file renamed or moved?
with stored_without_url as (
    select v.article_id, v.text_hash, v.seen_at
    from core.versions v
    join core.articles a using (article_id)
    where a.url is null
      and v.text_hash in (select text_hash from wanted)
),
current_texts as (
    select s.article_id, s.text_hash
    from stored_without_url s
    where not exists (
        select 1 from core.versions later
        where later.article_id = s.article_id and later.seen_at > s.seen_at
    )
),
final as (
    select w.article_id as moved, min(c.article_id) as holder
    from wanted w
    join current_texts c using (text_hash)
    where w.article_id not in (select article_id from core.articles)
    group by w.article_id
)
select moved, holder from final
