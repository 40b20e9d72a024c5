-- The configured municipalities (one row each): code, name, county, the suppression threshold of its
-- published outputs and the fewest survey respondents a published share may rest on, and its
-- population with the year and where it comes from (DATA-CONTRACT §7): SCB's newest year when
-- SCB has the municipality (reference/scb/), else the sum of its areas' latest configured
-- populations in municipality.yaml (their newest year).
with municipalities as (
    select * from {{ ref('stg_config__municipality') }}
),

scb as (
    select region_code as kommun_code, population, year as population_year
    from {{ ref('int_scb_population') }}
    qualify row_number() over (partition by region_code order by year desc) = 1
),

areas as (
    select kommun_code, sum(population) as population, max(population_year) as population_year
    from {{ ref('dim_area') }}
    where population is not null
    group by kommun_code
)

select
    municipalities.kommun_code,
    municipalities.kommun_name,
    municipalities.county,
    municipalities.suppression_threshold,
    municipalities.survey_min_respondents,
    cast(coalesce(scb.population, areas.population) as bigint) as population,
    cast(coalesce(scb.population_year, areas.population_year) as integer) as population_year,
    case
        when scb.population is not null then 'SCB'
        when areas.population is not null then 'municipality.yaml'
    end as population_source
from municipalities
left join scb using (kommun_code)
left join areas using (kommun_code)
