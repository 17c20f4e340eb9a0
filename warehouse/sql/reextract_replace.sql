-- Which re-extractions are recorded again (by id), so that a re-run replaces them.
delete from core.reextractions
where reextraction_id in (select unnest($ids::varchar[]))
