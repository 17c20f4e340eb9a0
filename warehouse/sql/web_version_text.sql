-- What does this version say, paragraph by paragraph (its sentences in reading order)?
select paragraph_no, string_agg(text, ' ' order by sentence_no) as text
from sentences
where version_id = $version_id
group by paragraph_no
order by paragraph_no
