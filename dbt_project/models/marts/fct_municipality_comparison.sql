-- The region's municipalities side by side: one row per (municipality, tertial, category)
-- for every configured municipality and every tertial, plus category 'alla' (every
-- problem category together) and the region's own rows under kommun_code 'region'.
-- A municipality without data in a tertial still has its rows (all measures null), so the
-- overview's map can draw it grey.
--
-- Municipality level, summed over its areas from fct_problem_indicators (missing
-- (area, category) rows of a covered tertial count 0 there already):
-- - police_reported_count: null when the tertial has no extract for the municipality or any
--   of its areas' counts is unknown (`..` at source).
-- - The comparison with the same tertial last year over the compared months (the months
--   both tertials cover, fct_problem_indicators.compared_months; the same for every area of
--   a municipality), and its significance: the exact conditional binomial test of
--   int_indicator_trends at municipality level (p = this year's share of the population of
--   both years), p-values of a municipality's tertial (categories and 'alla') adjusted
--   together (Benjamini–Hochberg). A municipality's figures therefore depend only on its own
--   rows: the same alone and in a region.
-- - Population: the municipality's in the tertial's year, from SCB when SCB has it, else the sum
--   of its areas' configured populations (int_municipality_population_by_year, DATA-CONTRACT §7).
-- - The survey: the latest survey up to the tertial (fct_survey_by_category), as the
--   lägesbild prints it; no 'alla' row (a respondent counts once per category).
--
-- The region ('region' rows): the sums of its municipalities' counts and populations; a
-- sum is null when any municipality's is unknown (a regional total that silently left a
-- municipality out would read as the region's). Its comparison sums each municipality's own
-- compared months; its survey pools each municipality's latest survey up to the tertial.
-- The region's p-values form a family of their own.
with municipalities as (
    select kommun_code, kommun_name, survey_min_respondents from {{ ref('dim_municipality') }}
),

-- each municipality's own tertials, so that its rows are the same alone and in a region
periods as (
    select own.kommun_code, own.period, dim_period.year
    from {{ ref('dim_municipality_period') }} as own
    inner join {{ ref('dim_period') }} as dim_period on dim_period.period = own.period
),

categories as (
    select category_id from {{ ref('dim_problem_category') }}
    union all
    select 'alla'
),

indicators as (
    select * from {{ ref('fct_problem_indicators') }}
),

population_by_year as (
    select kommun_code, year, population from {{ ref('int_municipality_population_by_year') }}
),

partner_sources as (
    select distinct kommun_code from {{ ref('int_partner_reports') }}
),

-- Per municipality and tertial: whether an extract covers it, and the compared months.
coverage as (
    select
        period,
        kommun_code,
        max(police_reported_months) as police_reported_months,
        max(compared_months) as compared_months,
        bool_or(is_preliminary) as is_preliminary
    from indicators
    group by all
),

-- Every (area, category) row once under its category and once under 'alla'.
indicator_rows as (
    select period, kommun_code, category_id, police_reported_count, police_reported_compared_count,
        police_reported_same_period_last_year, police_event_count, partner_report_count
    from indicators
    union all
    select period, kommun_code, 'alla', police_reported_count, police_reported_compared_count,
        police_reported_same_period_last_year, police_event_count, partner_report_count
    from indicators
),

-- Sums over areas; one unknown area makes the sum unknown.
summed as (
    select
        period,
        kommun_code,
        category_id,
        {{ sum_if_all_known('police_reported_count') }} as police_reported_count,
        {{ sum_if_all_known('police_reported_compared_count') }} as compared_count,
        {{ sum_if_all_known('police_reported_same_period_last_year') }} as last_year_count,
        sum(police_event_count) as police_event_count,
        sum(partner_report_count) as partner_report_count
    from indicator_rows
    group by all
),

latest_survey as (
    select
        municipalities.kommun_code,
        periods.period,
        max(survey.period) as survey_period
    from municipalities
    inner join periods on periods.kommun_code = municipalities.kommun_code
    inner join {{ ref('fct_survey_by_category') }} as survey
        on survey.kommun_code = municipalities.kommun_code
        and survey.period <= periods.period
        and survey.survey_respondents > 0
    group by all
),

survey as (
    select
        latest_survey.period,
        latest_survey.kommun_code,
        latest_survey.survey_period,
        survey.category_id,
        survey.survey_respondents,
        survey.survey_problem_count
    from latest_survey
    inner join {{ ref('fct_survey_by_category') }} as survey
        on survey.kommun_code = latest_survey.kommun_code
        and survey.period = latest_survey.survey_period
),

-- One row per municipality, tertial and category, with or without data.
municipality_rows as (
    select
        municipalities.kommun_code,
        municipalities.kommun_name,
        periods.period,
        categories.category_id,
        coalesce(coverage.police_reported_months, 0) as police_reported_months,
        coverage.compared_months,
        coverage.is_preliminary,
        -- a covered tertial without any row for the category: none reported
        case
            when coalesce(coverage.police_reported_months, 0) = 0 then null
            when summed.period is null then 0
            else summed.police_reported_count
        end as police_reported_count,
        case
            when coverage.compared_months is null then null
            when summed.period is null then 0
            else summed.compared_count
        end as compared_count,
        case
            when coverage.compared_months is null then null
            when summed.period is null then 0
            else summed.last_year_count
        end as last_year_count,
        coalesce(summed.police_event_count, 0) as police_event_count,
        case when partner_sources.kommun_code is not null then coalesce(summed.partner_report_count, 0) end
            as partner_report_count,
        population.population,
        last_year_population.population as population_last_year,
        survey.survey_period,
        survey.survey_respondents,
        survey.survey_problem_count,
        municipalities.survey_min_respondents
    from municipalities
    inner join periods on periods.kommun_code = municipalities.kommun_code
    cross join categories
    left join coverage
        on coverage.kommun_code = municipalities.kommun_code
        and coverage.period = periods.period
    left join summed
        on summed.kommun_code = municipalities.kommun_code
        and summed.period = periods.period
        and summed.category_id = categories.category_id
    left join partner_sources on partner_sources.kommun_code = municipalities.kommun_code
    left join population_by_year as population
        on population.kommun_code = municipalities.kommun_code
        and population.year = periods.year
    left join population_by_year as last_year_population
        on last_year_population.kommun_code = municipalities.kommun_code
        and last_year_population.year = periods.year - 1
    left join survey
        on survey.kommun_code = municipalities.kommun_code
        and survey.period = periods.period
        and survey.category_id = categories.category_id
),

municipality_counts as (
    select * from municipality_rows
),

-- The region: sums over its municipalities (null when any is unknown).
region_counts as (
    select
        'region' as kommun_code,
        'Regionen' as kommun_name,
        period,
        category_id,
        cast(min(police_reported_months) as integer) as police_reported_months,
        cast(min(compared_months) as integer) as compared_months,
        bool_or(is_preliminary) as is_preliminary,
        {{ sum_if_all_known('police_reported_count') }} as police_reported_count,
        {{ sum_if_all_known('compared_count') }} as compared_count,
        {{ sum_if_all_known('last_year_count') }} as last_year_count,
        sum(police_event_count) as police_event_count,
        {{ sum_if_all_known('partner_report_count') }} as partner_report_count,
        {{ sum_if_all_known('population') }} as population,
        {{ sum_if_all_known('population_last_year') }} as population_last_year,
        max(survey_period) as survey_period,
        sum(survey_respondents) as survey_respondents,
        sum(survey_problem_count) as survey_problem_count,
        min(survey_min_respondents) as survey_min_respondents
    from municipality_counts
    group by all
),

all_counts as (
    select * from municipality_counts
    union all by name
    select * from region_counts
),

comparisons as (
    select
        all_counts.*,
        compared_count as k,
        compared_count + last_year_count as n,
        {{ exposure_share('population', 'population_last_year') }} as p
    from all_counts
),

tests as (
    select distinct k, n, p from comparisons where n > 0
),

p_values as (
    {{ exact_binomial_p_values('tests') }}
),

tested as (
    select
        comparisons.*,
        case
            when comparisons.n is null then null
            when comparisons.n = 0 then 1.0
            else {{ round_significant('p_values.p_value') }}
        end as p_value
    from comparisons
    left join p_values using (k, n, p)
),

-- Benjamini–Hochberg within (municipality, tertial), as int_indicator_trends does.
ranked as (
    select
        kommun_code,
        period,
        category_id,
        p_value,
        count(*) over (partition by kommun_code, period) as tests_in_tertial,
        row_number() over (partition by kommun_code, period order by p_value, category_id) as p_rank
    from tested
    where n > 0
),

adjusted as (
    select
        kommun_code,
        period,
        category_id,
        {{ benjamini_hochberg_adjusted() }} as p_adjusted
    from ranked
)

select
    tested.kommun_code,
    tested.period,
    tested.category_id,
    tested.kommun_name,
    tested.kommun_code = 'region' as is_region,
    cast(tested.police_reported_count as bigint) as police_reported_count,
    cast(tested.population as bigint) as population,
    cast(tested.police_reported_count * 1000.0 / nullif(tested.population, 0) as double) as police_reported_per_1000,
    cast(tested.police_reported_months as integer) as police_reported_months,
    cast(tested.compared_months as integer) as compared_months,
    cast(tested.compared_count as bigint) as police_reported_compared_count,
    cast(tested.last_year_count as bigint) as police_reported_same_period_last_year,
    cast((tested.compared_count - tested.last_year_count) * 100.0 / nullif(tested.last_year_count, 0) as double)
        as change_vs_last_year_pct,
    cast(tested.p_value as double) as change_p_value,
    cast(case when tested.n = 0 then 1.0 else adjusted.p_adjusted end as double) as change_p_adjusted,
    case
        when tested.p_value is null then null
        when tested.n = 0 then false
        else adjusted.p_adjusted < {{ var('significance_level') }}
    end as change_is_significant,
    tested.is_preliminary,
    cast(tested.police_event_count as bigint) as police_event_count,
    cast(tested.partner_report_count as bigint) as partner_report_count,
    cast(tested.partner_report_count * 1000.0 / nullif(tested.population, 0) as double) as partner_report_per_1000,
    tested.survey_period,
    cast(tested.survey_respondents as bigint) as survey_respondents,
    cast(tested.survey_problem_count as bigint) as survey_problem_count,
    cast(tested.survey_problem_count / nullif(tested.survey_respondents, 0) as double) as survey_problem_share,
    tested.survey_respondents < tested.survey_min_respondents as survey_few_respondents
from tested
left join adjusted using (kommun_code, period, category_id)
