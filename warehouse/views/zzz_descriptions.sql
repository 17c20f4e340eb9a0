-- What every view and column means: the descriptions `pressdiff schema` and docs/warehouse.md show.
-- (Named zzz_ so it runs after every view is re-created; re-creating a view drops its comments.)
comment on view articles is 'One row per article: a canonical URL, or for a local file without one a stable source key.';
comment on column articles.article_id is 'Stable id of the article.';
comment on column articles.url is 'Canonical URL (tracking parameters, fragments and AMP variants removed), or the source key of a local file.';
comment on column articles.site is 'Host of the URL without www., NULL for local files.';
comment on column articles.first_seen is 'When any text of this article was first seen.';
comment on column articles.last_seen is 'When any text of this article was last seen.';
comment on column articles.n_versions is 'How many distinct texts the article has had.';
comment on column articles.latest_version_id is 'The version current now.';
comment on column articles.story_id is 'The story (cluster of near-duplicates) the article belongs to, NULL when it has none.';

comment on view versions is 'One row per distinct text of an article; the same text seen again is a sighting, not a version.';
comment on column versions.version_id is 'Stable id of the version.';
comment on column versions.article_id is 'The article this is a version of.';
comment on column versions.version_no is '1, 2, ... in the order the texts were current.';
comment on column versions.title is 'Headline as published.';
comment on column versions.byline is 'Author line as published.';
comment on column versions.published_at is 'Publication time the page or file states.';
comment on column versions.dateline is 'Dateline lifted from the first paragraph (ANKARA (Reuters) -), not part of the text.';
comment on column versions.seen_at is 'First time this text was seen.';
comment on column versions.valid_from is 'When this text became the current one.';
comment on column versions.valid_to is 'When a later text replaced it; NULL while current.';
comment on column versions.text is 'The article text, paragraphs separated by blank lines.';
comment on column versions.text_hash is 'Hash of the comparison form of the text (typography folded).';
comment on column versions.n_words is 'Number of words in the text.';
comment on column versions.language is 'Language code, where known.';
comment on column versions.source is 'The file, URL or feed the text came from.';
comment on column versions.extractor is 'Name, version and settings of what produced the text.';

comment on view sentences is 'One row per sentence of a version, in reading order: the segmentation comparisons use.';
comment on column sentences.version_id is 'The version the sentence belongs to.';
comment on column sentences.sentence_no is 'Position in the version, from 1.';
comment on column sentences.paragraph_no is 'Paragraph of the version, from 1.';
comment on column sentences.text is 'The sentence as published.';
comment on column sentences.sentence_hash is 'Hash of the sentence''s comparison form.';

comment on view comparisons is 'One row per compared pair of versions: a revision of one article, or a republication of a story''s original.';
comment on column comparisons.comparison_id is 'Stable id of the comparison.';
comment on column comparisons.old_version_id is 'The earlier text (a revision''s previous version, or the story''s original).';
comment on column comparisons.new_version_id is 'The later text (the revision, or the republication).';
comment on column comparisons.relation is '''revision'' (a later text of the same article) or ''republication'' (another article''s copy of the original).';
comment on column comparisons.jaccard is 'Jaccard similarity of the two texts'' 3-word shingles.';
comment on column comparisons.containment is 'Share of the new text''s shingles found in the old.';
comment on column comparisons.n_same is 'Sentences unchanged.';
comment on column comparisons.n_changed is 'Sentences edited in place.';
comment on column comparisons.n_added is 'Sentences only in the new text.';
comment on column comparisons.n_removed is 'Sentences only in the old text.';
comment on column comparisons.n_moved is 'Sentences found elsewhere in the new text.';
comment on column comparisons.title_changed is 'Whether the headline changed.';

comment on view sentence_edits is 'One row per aligned or unaligned sentence of a comparison; typography and datelines are not edits.';
comment on column sentence_edits.comparison_id is 'The comparison.';
comment on column sentence_edits.kind is '''same'', ''changed'', ''added'', ''removed'' or ''moved''.';
comment on column sentence_edits.old_sentence_no is 'Sentence number in the old version, NULL when added.';
comment on column sentence_edits.new_sentence_no is 'Sentence number in the new version, NULL when removed.';
comment on column sentence_edits.old_text is 'The old sentence as published.';
comment on column sentence_edits.new_text is 'The new sentence as published.';
comment on column sentence_edits.similarity is 'Word similarity of the two sentences, 0 to 1.';

comment on view phrase_edits is 'One row per word-level edit inside a changed or moved sentence.';
comment on column phrase_edits.comparison_id is 'The comparison.';
comment on column phrase_edits.old_sentence_no is 'Sentence number in the old version.';
comment on column phrase_edits.new_sentence_no is 'Sentence number in the new version.';
comment on column phrase_edits.removed is 'Words removed (empty when only inserted).';
comment on column phrase_edits.inserted is 'Words inserted (empty when only removed).';

comment on view term_swaps is 'Phrase edits that replace words with others, aggregated over the whole warehouse.';
comment on column term_swaps.removed is 'The words replaced.';
comment on column term_swaps.inserted is 'The words that replaced them.';
comment on column term_swaps.occurrences is 'How many times the swap was made.';
comment on column term_swaps.n_comparisons is 'In how many comparisons.';
comment on column term_swaps.n_sites is 'By how many sites (of the new versions).';

comment on view stories is 'One row per story: a cluster of near-duplicate articles, an original and its republications.';
comment on column stories.story_id is 'Stable id of the story.';
comment on column stories.original_version_id is 'The version taken as the original: published first, else seen first.';
comment on column stories.n_articles is 'Articles in the story.';
comment on column stories.n_sites is 'Distinct sites in the story.';
comment on column stories.first_published is 'Earliest publication time among its articles.';

comment on view story_members is 'One row per article in a story, with its similarity to the original.';
comment on column story_members.story_id is 'The story.';
comment on column story_members.article_id is 'The article.';
comment on column story_members.version_id is 'The article''s version that belongs to the story.';
comment on column story_members.jaccard is 'Jaccard similarity to the original.';
comment on column story_members.containment is 'Share of this text found in the original.';
comment on column story_members.is_original is 'Whether this article is the story''s original.';

comment on view duplicate_pairs is 'Every near-duplicate candidate pair that passed verification, with how it was found.';
comment on column duplicate_pairs.version_a is 'One version of the pair.';
comment on column duplicate_pairs.version_b is 'The other version.';
comment on column duplicate_pairs.method is 'Routes that proposed the pair: lsh, anchor, sentence, joined by +.';
comment on column duplicate_pairs.estimated_jaccard is 'Jaccard estimated from the MinHash sketches.';
comment on column duplicate_pairs.jaccard is 'Exact Jaccard of 3-word shingles, without site boilerplate.';
comment on column duplicate_pairs.containment is 'Share of the smaller text found in the other.';
comment on column duplicate_pairs.params is 'The thresholds and settings used, as JSON.';

comment on view sources is 'The watchlist: one row per feed, sitemap or page that scheduled runs poll.';
comment on column sources.source_id is 'Stable id of the source.';
comment on column sources.kind is '''feed'', ''sitemap'' or ''page''.';
comment on column sources.uri is 'The watched URL.';
comment on column sources.added_at is 'When it was added to the watchlist.';
comment on column sources.last_polled_at is 'When it was last polled.';
comment on column sources.next_poll_at is 'When it is next due.';
comment on column sources.poll_interval is 'How often it is polled.';

comment on view fetches is 'One row per HTTP attempt.';
comment on column fetches.url is 'The URL requested.';
comment on column fetches.final_url is 'The URL after redirects.';
comment on column fetches.status_code is 'HTTP status, NULL when no response came.';
comment on column fetches.error is 'Why the attempt failed, NULL when it did not.';
comment on column fetches.fetched_at is 'When the attempt was made.';
comment on column fetches.bytes is 'Body bytes received.';
comment on column fetches.etag is 'The ETag the server sent.';
comment on column fetches.last_modified is 'The Last-Modified the server sent.';
comment on column fetches.elapsed_ms is 'How long the attempt took, in milliseconds.';
comment on column fetches.content_type is 'The Content-Type the server sent.';
comment on column fetches.snapshot is 'Where the raw body is kept, if it was.';
comment on column fetches.run_id is 'The run that made the attempt.';

comment on view runs is 'One row per ingest or scheduled run: when, how it ended, what it did.';
comment on column runs.run_id is 'Stable id of the run.';
comment on column runs.flow_run_id is 'The Prefect flow run.';
comment on column runs.started_at is 'When the run started.';
comment on column runs.finished_at is 'When it ended, NULL while running.';
comment on column runs.status is 'running, completed, completed_with_rejects, interrupted, abandoned or failed.';
comment on column runs.command is 'What started it.';
comment on column runs.n_inputs is 'Inputs planned.';
comment on column runs.n_articles_new is 'Articles seen for the first time.';
comment on column runs.n_versions_new is 'New versions stored.';
comment on column runs.n_unchanged is 'Inputs whose text was already stored (sightings).';
comment on column runs.n_duplicates is 'Inputs repeated within the run.';
comment on column runs.n_rejected is 'Inputs that became rejects.';
comment on column runs.n_comparisons is 'Comparisons made.';

comment on view rejects is 'One row per input that could not become a version; nothing is dropped silently.';
comment on column rejects.source is 'The file, URL or record.';
comment on column rejects.reason is 'Why, in a few words.';
comment on column rejects.detail is 'More about why.';
comment on column rejects.at is 'When it was rejected.';
comment on column rejects.run_id is 'The run that rejected it.';

comment on view tracked_articles is 'One row per article that scheduled runs revisit, with when and why it is next checked.';
comment on column tracked_articles.url is 'The article''s URL.';
comment on column tracked_articles.site is 'Its site.';
comment on column tracked_articles.source_id is 'The watched source that found it, NULL when added otherwise.';
comment on column tracked_articles.first_seen is 'When it was first seen.';
comment on column tracked_articles.published_at is 'Publication time, where known.';
comment on column tracked_articles.last_checked_at is 'When it was last revisited.';
comment on column tracked_articles.last_changed_at is 'When a revisit last found a new text.';
comment on column tracked_articles.n_checks is 'Revisits made.';
comment on column tracked_articles.n_changes is 'Revisits that found a new text.';
comment on column tracked_articles.next_check_at is 'When it is next due; NULL once it is no longer revisited.';
comment on column tracked_articles.reason is 'Why it is due then.';

comment on view revisits is 'One row per revisit of a tracked article: why it was due and what it found.';
comment on column revisits.url is 'The article''s URL.';
comment on column revisits.site is 'Its site.';
comment on column revisits.checked_at is 'When it was revisited.';
comment on column revisits.due_at is 'When it was due.';
comment on column revisits.due_reason is 'Why it was due then.';
comment on column revisits.outcome is 'What the revisit found (changed, unchanged, not modified, failed).';
comment on column revisits.next_check_at is 'When it is next due.';
comment on column revisits.reason is 'Why it is next due then.';
comment on column revisits.run_id is 'The run that made the revisit.';

comment on view notable_changes is 'One row per revision and rule that flags it: headline, quote, number, removals, correction.';
comment on column notable_changes.comparison_id is 'The comparison flagged.';
comment on column notable_changes.version_id is 'The new version.';
comment on column notable_changes.url is 'The article''s URL.';
comment on column notable_changes.rule is 'The rule that flagged it.';
comment on column notable_changes.detail is 'What the rule found.';
comment on column notable_changes.found_at is 'When the new version was seen.';
comment on column notable_changes.run_id is 'The run that stored the new version.';

comment on column story_members.compared_with_version_id is 'The version of the original this copy was compared with (NULL for the original).';

comment on view changes is 'One row per comparison with both sides'' urls, sites, titles and times: comparisons made readable.';
comment on column changes.comparison_id is 'The comparison (sentence_edits and phrase_edits have its rows).';
comment on column changes.relation is '''revision'' or ''republication''.';
comment on column changes.old_url is 'URL of the old side''s article.';
comment on column changes.new_url is 'URL of the new side''s article (the same as old_url for a revision).';
comment on column changes.old_site is 'Site of the old side.';
comment on column changes.new_site is 'Site of the new side.';
comment on column changes.old_title is 'Headline of the old version.';
comment on column changes.new_title is 'Headline of the new version.';
comment on column changes.old_seen_at is 'When the old version was first seen.';
comment on column changes.new_seen_at is 'When the new version was first seen.';
comment on column changes.n_same is 'Sentences unchanged.';
comment on column changes.n_changed is 'Sentences edited in place.';
comment on column changes.n_added is 'Sentences only in the new version.';
comment on column changes.n_removed is 'Sentences only in the old version.';
comment on column changes.n_moved is 'Sentences found elsewhere in the new version.';
comment on column changes.title_changed is 'Whether the headline changed.';
comment on column changes.old_version_id is 'The old version.';
comment on column changes.new_version_id is 'The new version.';
comment on column changes.article_id is 'The new side''s article.';

comment on view republications is 'One row per republication of a story''s original: what each outlet kept, cut, changed and swapped.';
comment on column republications.story_id is 'The story.';
comment on column republications.original_url is 'URL of the story''s original.';
comment on column republications.original_site is 'Site of the original.';
comment on column republications.copy_url is 'URL of the republication.';
comment on column republications.copy_site is 'Site of the republication.';
comment on column republications.n_kept is 'Sentences of the original kept unchanged.';
comment on column republications.n_cut is 'Sentences of the original the copy left out.';
comment on column republications.n_changed is 'Sentences of the original the copy edited.';
comment on column republications.n_added is 'Sentences the copy added.';
comment on column republications.n_swaps is 'Word-level replacements (phrase edits with both sides non-empty).';
comment on column republications.jaccard is 'Jaccard similarity of the two texts'' 3-word shingles.';
comment on column republications.containment is 'Share of the copy''s shingles found in the original.';
comment on column republications.original_version_id is 'The version of the original actually compared (it may have later versions).';
comment on column republications.original_version_no is 'That version''s number.';
comment on column republications.copy_version_id is 'The copy''s version compared.';
comment on column republications.comparison_id is 'The comparison (sentence_edits and phrase_edits have its rows).';

comment on column comparisons.n_boilerplate is 'Page furniture and site boilerplate rows: labelled, never counted as edits.';
comment on column comparisons.significance is 'The most significant edit''s: minor, substantive or major (README: What kind of edit).';
comment on column comparisons.summary is 'The edits by category, e.g. "headline, 2 wording, 1 number".';
comment on column sentence_edits.moved is 'Whether a changed sentence also moved.';
comment on column sentence_edits.category is 'What kind of edit: wording, number, name, quote added/removed/changed, attribution, correction notice, sentence added/removed, spelling/typo, moved, boilerplate.';
comment on column sentence_edits.significance is 'minor, substantive or major; NULL for same.';
comment on column sentence_edits.rule is 'The rule that gave the category and significance.';
comment on column notable_changes.significance is 'The comparison''s significance: minor, substantive or major.';
comment on column notable_changes.summary is 'The comparison''s edits by category.';
comment on column changes.significance is 'The most significant edit''s: minor, substantive or major.';
comment on column changes.summary is 'The edits by category, e.g. "headline, 2 wording, 1 number".';
comment on column changes.n_boilerplate is 'Page furniture rows, labelled and not counted as edits.';
