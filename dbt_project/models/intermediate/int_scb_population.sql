-- SCB's Folkmängd (31 December; contents BE0101N1 of TAB638) per region and year, one row each:
-- when several files hold the same (region, year) the newest fetch wins (the fetch time in the
-- connector's file name; a file named otherwise counts as older; then the later load, then the
-- file name), so a corrected figure replaces the old one whatever the order of loading.
select
    region_code,
    year,
    cast(value as bigint) as population,
    table_id,
    fetched_at,
    source_file
from {{ ref('stg_scb__population') }}
where contents_code = '{{ var("scb_population_contents") }}'
qualify row_number() over (
    partition by region_code, year
    order by fetched_at desc nulls last, loaded_at desc, source_file desc
) = 1
