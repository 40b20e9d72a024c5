-- Who sees it: the survey per sector (the respondent's group in the export's sector column:
-- a school, care, residents, business owners …) and category, for the whole municipality,
-- with the 95 % Wilson interval (DATA-CONTRACT §4.1). Never crossed with areas: a sector
-- within one area can be a single workplace.
--
-- Counted as fct_survey_by_category counts (int_survey_indicators' rule: a respondent counts
-- once per category, sees a problem when any counted answer of the category is a problem),
-- so the sectors of a tertial and category add up to its row there. Sectors match case-,
-- accent- and whitespace-insensitively; `sector` is the spelling most of the tertial's
-- respondents used (the first in alphabetical order on a tie); null where a response names
-- no sector. Only (period, sector, category) with a counted respondent appear.
with answers as (
    select
        period,
        kommun_code,
        response_id,
        sector,
        {{ normalise_name('sector') }} as sector_key,
        category_id,
        is_counted,
        is_problem
    from {{ ref('int_survey_answers') }}
    where category_id is not null
),

per_respondent as (
    select
        period,
        kommun_code,
        sector_key,
        category_id,
        response_id,
        bool_or(is_counted) as is_counted,
        bool_or(is_problem) as sees_problem
    from answers
    group by all
),

spellings as (
    select period, kommun_code, sector_key, sector, count(distinct response_id) as respondents
    from answers
    where sector_key is not null
    group by all
),

labels as (
    select period, kommun_code, sector_key, sector
    from spellings
    qualify row_number() over (
        partition by period, kommun_code, sector_key order by respondents desc, sector
    ) = 1
),

pooled as (
    select
        period,
        kommun_code,
        sector_key,
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
    labels.sector,
    pooled.category_id,
    cast(pooled.survey_respondents as bigint) as survey_respondents,
    cast(pooled.survey_problem_count as bigint) as survey_problem_count,
    cast(pooled.survey_problem_count / nullif(pooled.survey_respondents, 0) as double) as survey_problem_share,
    cast({{ wilson_bound('cast(pooled.survey_problem_count as double)', 'pooled.survey_respondents', 'low') }}
        as double) as survey_ci_low,
    cast({{ wilson_bound('cast(pooled.survey_problem_count as double)', 'pooled.survey_respondents', 'high') }}
        as double) as survey_ci_high
from pooled
left join labels
    on labels.period = pooled.period
    and labels.kommun_code = pooled.kommun_code
    and labels.sector_key = pooled.sector_key
