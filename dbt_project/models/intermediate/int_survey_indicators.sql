-- Survey signal per (tertial, area, category), pooled over respondents: a respondent
-- counts once per category. Several questions of one category combine per respondent:
-- the respondent is counted when at least one of them has a counted answer (problem or
-- no_problem), and sees a problem when at least one counted answer is a problem.
-- 'ignore' labels, blanks and unmatched answers are outside the denominator. Only
-- (period, area, category) with at least one counted respondent appear.
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
)

select
    period,
    kommun_code,
    area_id,
    category_id,
    cast(count(*) as bigint) as survey_respondents,
    cast(count(*) filter (where sees_problem) as bigint) as survey_problem_count
from per_respondent
where is_counted
group by all
