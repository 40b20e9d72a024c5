-- The survey for the whole municipality: respondents pooled over areas, per tertial and
-- category, with the 95 % Wilson interval. The report's survey table and chart print
-- these rows (through fct_published_figures); areas are in fct_problem_indicators.
with survey as (
    select * from {{ ref('int_survey_indicators') }}
),

pooled as (
    select
        period,
        kommun_code,
        category_id,
        sum(survey_respondents) as survey_respondents,
        sum(survey_problem_count) as survey_problem_count
    from survey
    group by all
)

select
    period,
    kommun_code,
    category_id,
    cast(survey_respondents as bigint) as survey_respondents,
    cast(survey_problem_count as bigint) as survey_problem_count,
    cast(survey_problem_count / nullif(survey_respondents, 0) as double) as survey_problem_share,
    cast({{ wilson_bound('cast(survey_problem_count as double)', 'survey_respondents', 'low') }} as double)
        as survey_ci_low,
    cast({{ wilson_bound('cast(survey_problem_count as double)', 'survey_respondents', 'high') }} as double)
        as survey_ci_high
from pooled
