-- Season-aware comparisons of every (tertial, area, category) of int_indicator_counts with
-- the same tertial of earlier years (never summer with winter), honest at the edges
-- (DATA-CONTRACT §4.1).
--
-- Police reported crimes (the local extract: the one count large and complete enough to
-- test) are compared month by month:
-- 1. Compared months: the months of the tertial (by place, 1–4) that an extract covers for
--    the municipality both this year and the year before. Part of a tertial is not a
--    tertial: an extract ending in February is compared January–February against
--    January–February, never against last year's four months.
-- 2. A compared month without a row for the area and category counts 0 (extracts list
--    zeros); a month suppressed at source (`..`) makes the sum unknown (null).
-- 3. police_reported_compared_count (this year) against police_reported_same_period_last_year,
--    both over the compared months. The baseline is the mean over the up to three earlier
--    years that cover every compared month with a known count, over the same months.
-- 4. Significance: the exact conditional binomial test for two Poisson counts. Given the
--    total n = x_last + x_now, under "same underlying rate" x_now ~ Binomial(n, p) with
--    p = E_now / (E_now + E_last), E = the area's population in each year (0.5 when they
--    are equal or unknown; the months are the same on both sides). Two-sided exact
--    p-value as scipy.stats.binomtest computes it (macro exact_binomial_p_values).
-- 5. False discovery rate: the p-values of a municipality's tertial are adjusted together
--    (Benjamini–Hochberg); significant = adjusted p < var significance_level. A comparison
--    of 0 with 0 (n = 0) carries no information: p = 1, not significant, and it is not
--    counted among the tests of the tertial.
-- 6. is_preliminary: fewer than 4 compared months, fewer than 4 months covered this
--    tertial, or the tertial is still in progress (it ends on or after as_of()).
--
-- Partner reports and the survey share are set against the same tertial a year earlier for
-- the trend wording only (no test): partner reports where partner reports exist for the
-- municipality in both tertials; survey shares where both rest on at least
-- survey_min_respondents respondents.
with counts as (
    select * from {{ ref('int_indicator_counts') }}
),

monthly as (
    select month, period, kommun_code, area_id, category_id, reported_count
    from {{ ref('int_police_reported_monthly') }}
),

periods as (
    select period, period_end from {{ ref('int_periods') }}
),

population as (
    select kommun_code, area_id, year, population from {{ ref('int_area_population_by_year') }}
),

partner_coverage as (
    select distinct period, kommun_code from {{ ref('int_partner_indicators') }}
),

municipality as (
    select kommun_code, survey_min_respondents from {{ ref('stg_config__municipality') }}
),

-- The months an extract covers for the municipality, with their place in the tertial.
covered_months as (
    select distinct kommun_code, period, month, {{ month_of_tertial('month') }} as month_of_tertial
    from monthly
),

-- The months of a tertial whose place the same tertial last year covers too.
compared_months as (
    select this_year.kommun_code, this_year.period, this_year.month, this_year.month_of_tertial
    from covered_months as this_year
    inner join covered_months as last_year
        on last_year.kommun_code = this_year.kommun_code
        and last_year.period = {{ shift_years('this_year.period', 1) }}
        and last_year.month_of_tertial = this_year.month_of_tertial
),

-- Every row's count in every compared month, this year and one to three years earlier.
monthly_values as (
    select
        counts.period,
        counts.kommun_code,
        counts.area_id,
        counts.category_id,
        years.years_back,
        -- a covered month: no row is 0, `..` is null
        case when this_row.month is null then 0 else this_row.reported_count end as this_year_value,
        case
            when earlier_month.month is null then null  -- not covered that year: unknown
            when earlier_row.month is null then 0
            else earlier_row.reported_count
        end as earlier_value
    from counts
    inner join compared_months as compared
        on compared.kommun_code = counts.kommun_code
        and compared.period = counts.period
    cross join (values (1), (2), (3)) as years (years_back)
    left join covered_months as earlier_month
        on earlier_month.kommun_code = counts.kommun_code
        and earlier_month.period = {{ shift_years('counts.period', 'years.years_back') }}
        and earlier_month.month_of_tertial = compared.month_of_tertial
    left join monthly as this_row
        on this_row.kommun_code = counts.kommun_code
        and this_row.area_id = counts.area_id
        and this_row.category_id = counts.category_id
        and this_row.month = compared.month
    left join monthly as earlier_row
        on earlier_row.kommun_code = counts.kommun_code
        and earlier_row.area_id = counts.area_id
        and earlier_row.category_id = counts.category_id
        and earlier_row.month = earlier_month.month
),

-- Sums over the compared months: one unknown month makes the sum unknown.
per_year as (
    select
        period,
        kommun_code,
        area_id,
        category_id,
        years_back,
        count(*) as compared_months,
        cast({{ sum_if_all_known('this_year_value') }} as bigint) as this_year_count,
        cast({{ sum_if_all_known('earlier_value') }} as bigint) as earlier_count
    from monthly_values
    group by all
),

history as (
    select
        period,
        kommun_code,
        area_id,
        category_id,
        any_value(compared_months) as compared_months,
        any_value(this_year_count) as compared_count,
        any_value(earlier_count) filter (where years_back = 1) as last_year_count,
        avg(earlier_count) as baseline_mean,
        count(earlier_count) as baseline_years
    from per_year
    group by all
),

comparisons as (
    select
        counts.period,
        counts.kommun_code,
        counts.area_id,
        counts.category_id,
        history.compared_months,
        history.compared_count,
        history.last_year_count,
        history.baseline_mean,
        coalesce(history.baseline_years, 0) as baseline_years,
        history.compared_count as k,
        history.compared_count + history.last_year_count as n,
        {{ exposure_share('counts.population', 'last_year_population.population') }} as p
    from counts
    left join history using (period, kommun_code, area_id, category_id)
    left join population as last_year_population
        on last_year_population.kommun_code = counts.kommun_code
        and last_year_population.area_id = counts.area_id
        and last_year_population.year = cast(left(counts.period, 4) as integer) - 1
),

-- Each distinct (k, n, p) once: many rows share small counts.
tests as (
    select distinct k, n, p from comparisons where n > 0
),

p_values as (
    {{ exact_binomial_p_values('tests') }}
),

tested as (
    select
        comparisons.*,
        case when comparisons.n = 0 then 1.0 else {{ round_significant('p_values.p_value') }} end as p_value
    from comparisons
    left join p_values using (k, n, p)
),

-- Benjamini–Hochberg within (municipality, tertial): macro benjamini_hochberg_adjusted.
ranked as (
    select
        period,
        kommun_code,
        area_id,
        category_id,
        p_value,
        count(*) over (partition by kommun_code, period) as tests_in_tertial,
        row_number() over (partition by kommun_code, period order by p_value, area_id, category_id) as p_rank
    from tested
    where n > 0
),

adjusted as (
    select
        period,
        kommun_code,
        area_id,
        category_id,
        {{ benjamini_hochberg_adjusted() }} as p_adjusted
    from ranked
),

last_year_counts as (
    select
        {{ shift_years('period', -1) }} as period,
        kommun_code,
        area_id,
        category_id,
        partner_report_count,
        survey_respondents,
        survey_problem_count
    from counts
),

-- Partner reports and survey shares against the same tertial a year earlier.
other_sources as (
    select
        counts.period,
        counts.kommun_code,
        counts.area_id,
        counts.category_id,
        this_partners.period is not null as partners_now,
        case when last_partners.period is not null then coalesce(last_year.partner_report_count, 0) end
            as partner_report_last_year,
        counts.partner_report_count,
        counts.survey_problem_count / nullif(counts.survey_respondents, 0) as survey_share,
        last_year.survey_problem_count / nullif(last_year.survey_respondents, 0) as survey_share_last_year,
        last_year.survey_respondents as survey_respondents_last_year,
        counts.survey_respondents >= municipality.survey_min_respondents
            and last_year.survey_respondents >= municipality.survey_min_respondents as survey_comparable
    from counts
    left join last_year_counts as last_year using (period, kommun_code, area_id, category_id)
    left join partner_coverage as this_partners
        on this_partners.kommun_code = counts.kommun_code
        and this_partners.period = counts.period
    left join partner_coverage as last_partners
        on last_partners.kommun_code = counts.kommun_code
        and last_partners.period = {{ shift_years('counts.period', 1) }}
    left join municipality on municipality.kommun_code = counts.kommun_code
)

select
    tested.period,
    tested.kommun_code,
    tested.area_id,
    tested.category_id,
    cast(tested.compared_months as integer) as compared_months,
    cast(tested.compared_count as bigint) as police_reported_compared_count,
    cast(tested.last_year_count as bigint) as police_reported_same_period_last_year,
    cast(
        (tested.compared_count - tested.last_year_count) * 100.0
        / nullif(tested.last_year_count, 0) as double
    ) as change_vs_last_year_pct,
    cast(tested.baseline_mean as double) as police_reported_baseline,
    cast(tested.baseline_years as integer) as police_reported_baseline_years,
    cast(
        (tested.compared_count - tested.baseline_mean) * 100.0
        / nullif(tested.baseline_mean, 0) as double
    ) as change_vs_baseline_pct,
    cast(tested.p_value as double) as change_p_value,
    cast(case when tested.n = 0 then 1.0 else adjusted.p_adjusted end as double) as change_p_adjusted,
    case
        when tested.p_value is null then null
        when tested.n = 0 then false
        else adjusted.p_adjusted < {{ var('significance_level') }}
    end as change_is_significant,
    coalesce(tested.compared_months < 4, false)
        or counts.police_reported_months < 4
        or periods.period_end >= {{ as_of() }} as is_preliminary,
    {{ trend_direction('tested.compared_count', 'tested.last_year_count') }} as police_reported_direction,
    cast(other_sources.partner_report_last_year as bigint) as partner_report_same_period_last_year,
    case when other_sources.partners_now then
        {{ trend_direction('other_sources.partner_report_count', 'other_sources.partner_report_last_year') }}
    end as partner_report_direction,
    cast(other_sources.survey_share_last_year as double) as survey_problem_share_last_year,
    cast(other_sources.survey_respondents_last_year as bigint) as survey_respondents_last_year,
    case when other_sources.survey_comparable then
        {{ trend_direction('other_sources.survey_share', 'other_sources.survey_share_last_year') }}
    end as survey_direction
from tested
inner join counts using (period, kommun_code, area_id, category_id)
inner join periods using (period)
left join adjusted using (period, kommun_code, area_id, category_id)
left join other_sources using (period, kommun_code, area_id, category_id)
