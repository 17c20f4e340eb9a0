-- Which stories and story members go when the stories of some articles (table arts:
-- article_id) are rebuilt? Their stories, members left without a story, and their own rows.
DELETE FROM core.stories WHERE story_id IN (
    SELECT story_id FROM core.story_members SEMI JOIN arts USING (article_id));
DELETE FROM core.story_members WHERE story_id NOT IN (SELECT story_id FROM core.stories);
DELETE FROM core.story_members WHERE article_id IN (SELECT article_id FROM arts);
