-- One row per (period, area, category) of the configured municipality with any data.
-- Sources stand side by side and are never summed: the same incident may reach us
-- from a shop and from the police.
with police_events as (
    select period, kommun_code, area_id, category_id, count(*) as police_event_count
    from {{ ref('int_police_events') }}
    where area_id is not null and category_id is not null
    group by all
),

police_reported as (
    select * from {{ ref('int_police_reported_indicators') }}
),

-- Periods an extract covers: there a missing (area, category) row means none reported.
police_reported_coverage as (
    select distinct period, kommun_code from police_reported
),

partners as (
    select * from {{ ref('int_partner_indicators') }}
),

surveys as (
    select * from {{ ref('int_survey_indicators') }}
),

keys as (
    select period, kommun_code, area_id, category_id from police_events
    union
    select period, kommun_code, area_id, category_id from police_reported
    union
    select period, kommun_code, area_id, category_id from partners
    union
    select period, kommun_code, area_id, category_id from surveys
),

periods as (
    select period, year from {{ ref('dim_period') }}
),

population as (
    select * from {{ ref('int_area_population_by_year') }}
),

joined as (
    select
        keys.period,
        keys.kommun_code,
        keys.area_id,
        keys.category_id,
        case
            when police_reported.period is not null then police_reported.police_reported_count
            when police_reported_coverage.period is not null then 0
        end as police_reported_count,
        coalesce(police_events.police_event_count, 0) as police_event_count,
        coalesce(partners.partner_report_count, 0) as partner_report_count,
        surveys.survey_respondents,
        cast(surveys.survey_problem_count as double) as survey_problem_count,
        population.population
    from keys
    inner join periods using (period)
    left join police_events using (period, kommun_code, area_id, category_id)
    left join police_reported using (period, kommun_code, area_id, category_id)
    left join police_reported_coverage using (period, kommun_code)
    left join partners using (period, kommun_code, area_id, category_id)
    left join surveys using (period, kommun_code, area_id, category_id)
    left join population
        on population.kommun_code = keys.kommun_code
        and population.area_id = keys.area_id
        and population.year = periods.year
)

select
    period,
    kommun_code,
    area_id,
    category_id,
    cast(police_reported_count as bigint) as police_reported_count,
    cast(police_event_count as bigint) as police_event_count,
    cast(partner_report_count as bigint) as partner_report_count,
    cast(survey_respondents as bigint) as survey_respondents,
    cast(survey_problem_count / nullif(survey_respondents, 0) as double) as survey_problem_share,
    cast({{ wilson_bound('survey_problem_count', 'survey_respondents', 'low') }} as double) as survey_ci_low,
    cast({{ wilson_bound('survey_problem_count', 'survey_respondents', 'high') }} as double) as survey_ci_high,
    cast(population as integer) as population,
    cast(police_reported_count * 1000.0 / nullif(population, 0) as double) as police_reported_per_1000,
    cast(null as bigint) as police_reported_same_period_last_year,
    cast(null as double) as change_vs_last_year_pct,
    cast(null as boolean) as change_is_significant,
    cast(null as double) as priority_score,
    cast(null as integer) as priority_rank
from joined
