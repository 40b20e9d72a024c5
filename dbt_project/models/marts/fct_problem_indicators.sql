-- One row per (period, municipality, area, category) of a configured municipality with any data.
-- Sources stand side by side and are never summed: the same incident may reach us
-- from a shop and from the police. Counts: int_indicator_counts; comparisons, significance,
-- preliminary flags and trend wording: int_indicator_trends; priority: int_indicator_priority.
with counts as (
    select * from {{ ref('int_indicator_counts') }}
),

trends as (
    select * from {{ ref('int_indicator_trends') }}
),

priority as (
    select * from {{ ref('int_indicator_priority') }}
)

select
    counts.period,
    counts.kommun_code,
    counts.area_id,
    counts.category_id,
    counts.police_reported_count,
    counts.police_event_count,
    counts.partner_report_count,
    counts.survey_respondents,
    cast(counts.survey_problem_count / nullif(counts.survey_respondents, 0) as double) as survey_problem_share,
    cast({{ wilson_bound('cast(counts.survey_problem_count as double)', 'counts.survey_respondents', 'low') }} as double)
        as survey_ci_low,
    cast({{ wilson_bound('cast(counts.survey_problem_count as double)', 'counts.survey_respondents', 'high') }} as double)
        as survey_ci_high,
    counts.population,
    cast(counts.police_reported_count * 1000.0 / nullif(counts.population, 0) as double) as police_reported_per_1000,
    trends.police_reported_same_period_last_year,
    trends.change_vs_last_year_pct,
    trends.change_is_significant,
    priority.priority_score,
    priority.priority_rank,
    -- appended to the contract's columns
    counts.survey_few_respondents,
    cast(counts.police_event_count * 1000.0 / nullif(counts.population, 0) as double) as police_event_per_1000,
    cast(counts.partner_report_count * 1000.0 / nullif(counts.population, 0) as double) as partner_report_per_1000,
    trends.police_reported_baseline,
    trends.police_reported_baseline_years,
    trends.change_vs_baseline_pct,
    trends.change_p_value,
    priority.triangulation_count,
    -- honest at the edges (DATA-CONTRACT §4.1) and the trend wording, appended
    counts.police_reported_months,
    trends.compared_months,
    trends.police_reported_compared_count,
    trends.is_preliminary,
    trends.change_p_adjusted,
    trends.police_reported_direction,
    trends.partner_report_same_period_last_year,
    trends.partner_report_direction,
    trends.survey_problem_share_last_year,
    trends.survey_respondents_last_year,
    trends.survey_direction,
    counts.survey_problem_count
from counts
left join trends using (period, kommun_code, area_id, category_id)
left join priority using (period, kommun_code, area_id, category_id)
