-- The counts of fct_problem_indicators: one row per (period, area, category) of the
-- configured municipalities with any data, every source in its own column, plus the
-- population of the period's year. Trends and priorities are computed from this.
--
-- police_reported_months (0–4): the months of the tertial a local extract covers for the
-- municipality; 0 when none does (then police_reported_count is null). Below 4 the count
-- is for part of the tertial only.
-- survey_few_respondents: fewer survey respondents than the municipality's
-- survey_min_respondents (municipality.yaml, default 10); null without respondents.
with police_events as (
    select period, kommun_code, area_id, category_id, count(*) as police_event_count
    from {{ ref('int_police_events') }}
    where area_id is not null and category_id is not null
    group by all
),

police_reported as (
    select * from {{ ref('int_police_reported_indicators') }}
),

-- Periods an extract covers (and how many of their months): there a missing (area,
-- category) row means none reported.
police_reported_coverage as (
    select distinct period, kommun_code, police_reported_months from police_reported
),

partners as (
    select * from {{ ref('int_partner_indicators') }}
),

surveys as (
    select * from {{ ref('int_survey_indicators') }}
),

-- An (area, category) an extract listed in the same tertial last year has a row in a
-- covered tertial even when this year's extract lists nothing for it: its count is 0 then,
-- and a fall to 0 is a change to show, not a row to lose.
police_reported_last_year as (
    select
        {{ shift_years('last_year.period', -1) }} as period,
        last_year.kommun_code,
        last_year.area_id,
        last_year.category_id
    from police_reported as last_year
    inner join police_reported_coverage as this_year
        on this_year.kommun_code = last_year.kommun_code
        and this_year.period = {{ shift_years('last_year.period', -1) }}
),

keys as (
    select period, kommun_code, area_id, category_id from police_events
    union
    select period, kommun_code, area_id, category_id from police_reported
    union
    select period, kommun_code, area_id, category_id from police_reported_last_year
    union
    select period, kommun_code, area_id, category_id from partners
    union
    select period, kommun_code, area_id, category_id from surveys
),

periods as (
    select period, year from {{ ref('int_periods') }}
),

population as (
    select * from {{ ref('int_area_population_by_year') }}
),

municipality as (
    select kommun_code, survey_min_respondents from {{ ref('stg_config__municipality') }}
)

select
    keys.period,
    keys.kommun_code,
    keys.area_id,
    keys.category_id,
    cast(case
        when police_reported.period is not null then police_reported.police_reported_count
        when police_reported_coverage.period is not null then 0
    end as bigint) as police_reported_count,
    cast(coalesce(police_events.police_event_count, 0) as bigint) as police_event_count,
    cast(coalesce(partners.partner_report_count, 0) as bigint) as partner_report_count,
    cast(surveys.survey_respondents as bigint) as survey_respondents,
    cast(surveys.survey_problem_count as bigint) as survey_problem_count,
    cast(population.population as integer) as population,
    cast(coalesce(police_reported_coverage.police_reported_months, 0) as integer) as police_reported_months,
    -- a share from fewer respondents than municipality.yaml's minimum is not published
    surveys.survey_respondents < municipality.survey_min_respondents as survey_few_respondents
from keys
inner join periods using (period)
left join police_events using (period, kommun_code, area_id, category_id)
left join police_reported using (period, kommun_code, area_id, category_id)
left join police_reported_coverage using (period, kommun_code)
left join partners using (period, kommun_code, area_id, category_id)
left join surveys using (period, kommun_code, area_id, category_id)
left join municipality using (kommun_code)
left join population
    on population.kommun_code = keys.kommun_code
    and population.area_id = keys.area_id
    and population.year = periods.year
