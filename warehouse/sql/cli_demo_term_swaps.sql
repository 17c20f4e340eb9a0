-- Which terms did a revision or republication swap for others?
select * from term_swaps
