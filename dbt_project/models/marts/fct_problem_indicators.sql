-- One row per (period, area, category) of the configured municipality with any data.
-- Sources stand side by side and are never summed: the same incident may reach us
-- from a shop and from the police. Columns whose source has not landed yet are null.
with police_events as (
    select period, kommun_code, area_id, category_id, count(*) as police_event_count
    from {{ ref('int_police_events') }}
    where area_id is not null and category_id is not null
    group by all
),

periods as (
    select period, year from {{ ref('dim_period') }}
),

population as (
    select * from {{ ref('int_area_population_by_year') }}
)

select
    police_events.period,
    police_events.kommun_code,
    police_events.area_id,
    police_events.category_id,
    cast(null as bigint) as police_reported_count,
    cast(police_events.police_event_count as bigint) as police_event_count,
    cast(null as bigint) as partner_report_count,
    cast(null as bigint) as survey_respondents,
    cast(null as double) as survey_problem_share,
    cast(null as double) as survey_ci_low,
    cast(null as double) as survey_ci_high,
    population.population,
    cast(null as double) as police_reported_per_1000,
    cast(null as bigint) as police_reported_same_period_last_year,
    cast(null as double) as change_vs_last_year_pct,
    cast(null as boolean) as change_is_significant,
    cast(null as double) as priority_score,
    cast(null as integer) as priority_rank
from police_events
inner join periods using (period)
left join population
    on population.kommun_code = police_events.kommun_code
    and population.area_id = police_events.area_id
    and population.year = periods.year
