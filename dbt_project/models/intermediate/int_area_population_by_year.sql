-- Population of every area for every year the data covers: the configured year itself,
-- else the nearest configured year (the later one on a tie).
with population as (
    select * from {{ ref('stg_config__area_population') }}
),

years as (
    select distinct year(period_start) as year from {{ ref('int_periods') }}
),

candidates as (
    select
        population.kommun_code,
        population.area_id,
        years.year,
        population.year as population_year,
        population.population
    from population
    cross join years
)

select kommun_code, area_id, year, population_year, population
from candidates
qualify row_number() over (
    partition by kommun_code, area_id, year
    order by abs(year - population_year), population_year desc
) = 1
