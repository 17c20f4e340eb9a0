-- Is this a warehouse only `pressdiff demo` wrote to: its runs, the demo's runs, its articles?
select
    (select count(*) from core.runs) as runs,
    (select count(*) from core.runs where command = 'demo') as demo_runs,
    (select count(*) from core.articles) as articles
