-- Population of every configured municipality for every year the data covers, and where it
-- comes from (DATA-CONTRACT §7). One source per municipality for every year, so that a
-- comparison of two years never sets one source against the other:
-- - SCB (Folkmängd, int_scb_population) when SCB has any year of the municipality: that year
--   itself, else the nearest SCB year (the later one on a tie);
-- - otherwise the sum of its areas' configured populations in municipality.yaml
--   (int_area_population_by_year: each area's nearest configured year).
with municipalities as (
    select kommun_code from {{ ref('stg_config__municipality') }}
),

years as (
    select distinct year(period_start) as year from {{ ref('int_periods') }}
),

scb as (
    select
        scb.region_code as kommun_code,
        years.year,
        scb.year as population_year,
        scb.population
    from {{ ref('int_scb_population') }} as scb
    inner join municipalities on municipalities.kommun_code = scb.region_code
    cross join years
    qualify row_number() over (
        partition by scb.region_code, years.year
        order by abs(years.year - scb.year), scb.year desc
    ) = 1
),

areas as (
    select
        kommun_code,
        year,
        max(population_year) as population_year,
        sum(population) as population
    from {{ ref('int_area_population_by_year') }}
    where kommun_code not in (select kommun_code from scb)
    group by kommun_code, year
)

select kommun_code, year, cast(population as bigint) as population, population_year, 'SCB' as population_source
from scb
union all
select kommun_code, year, cast(population as bigint), population_year, 'municipality.yaml'
from areas
