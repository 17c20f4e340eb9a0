-- Which texts has each article had, and when was each one current?
-- Versions are numbered in the order they were seen (an older crawl ingested late takes
-- its place in the sequence), and each is current until the next one was seen.
create or replace view versions as
with versions as (
    select * from core.versions
),
final as (
    select
        version_id::varchar                                     as version_id,
        article_id::varchar                                     as article_id,
        (row_number() over by_time)::integer                    as version_no,
        title::varchar                                          as title,
        byline::varchar                                         as byline,
        published_at::timestamptz                               as published_at,
        dateline::varchar                                       as dateline,
        seen_at::timestamptz                                    as seen_at,
        seen_at::timestamptz                                    as valid_from,
        (lead(seen_at) over by_time)::timestamptz               as valid_to,
        text::varchar                                           as text,
        text_hash::varchar                                      as text_hash,
        n_words::integer                                        as n_words,
        language::varchar                                       as language,
        source::varchar                                         as source,
        extractor::varchar                                      as extractor
    from versions
    window by_time as (partition by article_id order by seen_at, version_no)
)
select * from final;
