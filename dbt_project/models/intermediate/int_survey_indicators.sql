-- Survey signal per (tertial, area, category), pooled over respondents: a respondent
-- counts once per category. Several questions of one category combine per respondent:
-- the respondent is counted when at least one of them has a counted answer (problem or
-- no_problem), and sees a problem when at least one counted answer is a problem.
-- 'ignore' labels, blanks and unmatched answers are outside the denominator. Only
-- (period, area, category) with at least one counted respondent appear.
-- survey_few_respondents: fewer respondents than the municipality's survey_min_respondents
-- (municipality.yaml, default 10): the share is not published ("för få svar").
with answers as (
    select * from {{ ref('int_survey_answers') }}
    where category_id is not null
),

per_respondent as (
    select
        period,
        kommun_code,
        area_id,
        category_id,
        response_id,
        bool_or(is_counted) as is_counted,
        bool_or(is_problem) as sees_problem
    from answers
    group by all
),

municipality as (
    select kommun_code, survey_min_respondents from {{ ref('stg_config__municipality') }}
),

pooled as (
    select
        period,
        kommun_code,
        area_id,
        category_id,
        count(*) as survey_respondents,
        count(*) filter (where sees_problem) as survey_problem_count
    from per_respondent
    where is_counted
    group by all
)

select
    pooled.period,
    pooled.kommun_code,
    pooled.area_id,
    pooled.category_id,
    cast(pooled.survey_respondents as bigint) as survey_respondents,
    cast(pooled.survey_problem_count as bigint) as survey_problem_count,
    pooled.survey_respondents < municipality.survey_min_respondents as survey_few_respondents
from pooled
left join municipality using (kommun_code)
