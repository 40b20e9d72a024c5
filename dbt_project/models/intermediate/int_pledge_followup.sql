-- Pledge follow-up (DATA-CONTRACT §2.2), the logic of marts.fct_pledge_followup: one row
-- per pledge and tertial after its declared baseline tertial. A pledge id is unique only
-- within its municipality (each folder's pledges.yaml): every key includes kommun_code, and
-- the tertials are the municipality's own (int_municipality_periods).
--
-- 1. Value: the pledge's indicator over its areas. Counts are summed; a count is unknown
--    (null) when its source has no data for the municipality in the tertial, or when any
--    area's count is unknown (`..`): never a partial sum. The survey share is pooled:
--    problem answers / respondents of all the areas together.
-- 2. Season against season: a tertial is compared with the same tertial of the baseline's
--    year when that one lies before it and its source has data then (2026-T2 against
--    2025-T2 for a 2025-T1 baseline); else with the declared baseline tertial.
--    `baseline_period` is the one used, `pledge_baseline_period` the declared one.
--    "Has data": an extract covers a month of it (reported crimes); police events or
--    partner reports exist for the municipality then; the pledge's areas have respondents.
-- 3. Reported crimes are compared over the months both tertials cover (by place in the
--    tertial, 1–4: `compared_months`), like the indicators; a month without a row for an
--    area counts 0, a `..` month makes the sum unknown.
-- 4. Status `no_data` when the value or the baseline is unknown, the baseline is 0, or the
--    figures cannot be published (DATA-CONTRACT §5): a survey share from fewer than
--    survey_min_respondents pooled respondents (either tertial), or a reported-crime or
--    partner count (value or baseline) from 1 to suppression_threshold − 1. Police events
--    are public at their source and are never suppressed.
-- 5. Significance beside the status, on publishable figures whose value and baseline are
--    known: counts with the indicators' exact conditional binomial test (exposure = the
--    areas' population in each tertial's year; 0.5 when equal or unknown), survey shares
--    with Fisher's exact test. A pledge is one question declared in advance, not one of
--    hundreds searched, so p is not adjusted for multiple comparisons:
--    change_is_significant = change_p_value < var significance_level.
-- 6. is_preliminary: the tertial is in progress (it ends on or after as_of()), or, for
--    reported crimes, fewer than 4 months are compared or covered.
with pledge_rows as (
    select * from {{ ref('stg_config__pledges') }}
),

category_keys as (
    select category_key, category_id from {{ ref('int_category_keys') }}
),

municipality as (
    select kommun_code, suppression_threshold, survey_min_respondents
    from {{ ref('stg_config__municipality') }}
),

periods as (
    select kommun_code, period, period_end from {{ ref('int_municipality_periods') }}
),

counts as (
    select * from {{ ref('int_indicator_counts') }}
),

monthly as (
    select month, period, kommun_code, area_id, category_id, reported_count
    from {{ ref('int_police_reported_monthly') }}
),

population as (
    select kommun_code, area_id, year, population from {{ ref('int_area_population_by_year') }}
),

pledges as (
    select
        pledge_rows.kommun_code,
        pledge_rows.pledge_id,
        pledge_rows.indicator,
        pledge_rows.baseline_period,
        pledge_rows.target_change_pct,
        pledge_rows.area_ids,
        category_keys.category_id,
        municipality.suppression_threshold,
        municipality.survey_min_respondents
    from pledge_rows
    inner join municipality using (kommun_code)
    left join category_keys
        on category_keys.category_key = {{ normalise_name('pledge_rows.category_text') }}
),

pledge_areas as (
    select kommun_code, pledge_id, unnest(area_ids) as area_id from pledges
),

-- Whether police events and partner reports exist for the municipality in a tertial.
source_coverage as (
    select
        period,
        kommun_code,
        bool_or(police_event_count > 0) as police_event_count,
        bool_or(partner_report_count > 0) as partner_report_count
    from counts
    group by all
),

covered_months as (
    select distinct kommun_code, period, month, {{ month_of_tertial('month') }} as month_of_tertial
    from monthly
),

covered_tertials as (
    select kommun_code, period, count(*) as covered_months from covered_months group by all
),

-- Every pledge in every tertial: the areas' counts, respondents and population.
area_values as (
    select
        pledges.kommun_code,
        pledges.pledge_id,
        periods.period,
        case pledges.indicator
        {%- for column in ['police_event_count', 'partner_report_count'] %}
            when '{{ column }}' then case
                when coalesce(source_coverage.{{ column }}, false) then coalesce(counts.{{ column }}, 0)
            end
        {%- endfor %}
        end as area_count,
        coalesce(counts.survey_respondents, 0) as respondents,
        coalesce(counts.survey_problem_count, 0) as problem_count,
        population.population
    from pledges
    inner join pledge_areas using (kommun_code, pledge_id)
    inner join periods on periods.kommun_code = pledges.kommun_code
    left join source_coverage
        on source_coverage.period = periods.period
        and source_coverage.kommun_code = pledges.kommun_code
    left join counts
        on counts.period = periods.period
        and counts.kommun_code = pledges.kommun_code
        and counts.area_id = pledge_areas.area_id
        and counts.category_id = pledges.category_id
    left join population
        on population.kommun_code = pledges.kommun_code
        and population.area_id = pledge_areas.area_id
        and population.year = cast(left(periods.period, 4) as integer)
),

pledge_values as (
    select
        area_values.kommun_code,
        area_values.pledge_id,
        area_values.period,
        -- one unknown area makes the total unknown: never a partial sum
        cast(case when bool_and(area_values.area_count is not null) then sum(area_values.area_count) end as bigint)
            as pooled_count,
        cast(sum(area_values.respondents) as bigint) as respondents,
        cast(sum(area_values.problem_count) as bigint) as problem_count,
        sum(area_values.population) as population,
        coalesce(any_value(covered_tertials.covered_months), 0) as covered_months
    from area_values
    left join covered_tertials
        on covered_tertials.kommun_code = area_values.kommun_code
        and covered_tertials.period = area_values.period
    group by area_values.kommun_code, area_values.pledge_id, area_values.period
),

-- Reported crimes of a pledge per covered month, over its areas (null when any is `..`).
pledge_months as (
    select
        kommun_code,
        pledge_id,
        period,
        month_of_tertial,
        cast({{ sum_if_all_known('area_value') }} as bigint) as month_count
    from (
        select
            pledges.kommun_code,
            pledges.pledge_id,
            covered_months.period,
            covered_months.month_of_tertial,
            -- a covered month: no row is 0, `..` is null
            case when monthly.month is null then 0 else monthly.reported_count end as area_value
        from pledges
        inner join pledge_areas using (kommun_code, pledge_id)
        inner join covered_months on covered_months.kommun_code = pledges.kommun_code
        left join monthly
            on monthly.kommun_code = pledges.kommun_code
            and monthly.month = covered_months.month
            and monthly.area_id = pledge_areas.area_id
            and monthly.category_id = pledges.category_id
        where pledges.indicator = 'police_reported_count'
    ) as area_months
    group by kommun_code, pledge_id, period, month_of_tertial
),

followups as (
    select
        pledges.kommun_code,
        pledges.pledge_id,
        periods.period,
        periods.period_end,
        pledges.baseline_period as pledge_baseline_period,
        left(pledges.baseline_period, 4) || right(periods.period, 3) as seasonal_period
    from pledges
    inner join periods
        on periods.kommun_code = pledges.kommun_code
        and periods.period > pledges.baseline_period
),

chosen as (
    select
        followups.*,
        case
            when followups.seasonal_period < followups.period
                and case pledges.indicator
                    when 'police_reported_count' then seasonal.covered_months > 0
                    when 'survey_problem_share' then seasonal.respondents > 0
                    else seasonal.pooled_count is not null
                end
                then followups.seasonal_period
            else followups.pledge_baseline_period
        end as baseline_period
    from followups
    inner join pledges using (kommun_code, pledge_id)
    left join pledge_values as seasonal
        on seasonal.kommun_code = followups.kommun_code
        and seasonal.pledge_id = followups.pledge_id
        and seasonal.period = followups.seasonal_period
),

-- Reported crimes over the months (by place in the tertial) both tertials cover.
police_compared as (
    select
        chosen.kommun_code,
        chosen.pledge_id,
        chosen.period,
        count(*) as compared_months,
        cast({{ sum_if_all_known('current_month.month_count') }} as bigint)
            as value,
        cast({{ sum_if_all_known('baseline_month.month_count') }} as bigint)
            as baseline
    from chosen
    inner join pledge_months as current_month
        on current_month.kommun_code = chosen.kommun_code
        and current_month.pledge_id = chosen.pledge_id
        and current_month.period = chosen.period
    inner join pledge_months as baseline_month
        on baseline_month.kommun_code = chosen.kommun_code
        and baseline_month.pledge_id = chosen.pledge_id
        and baseline_month.period = chosen.baseline_period
        and baseline_month.month_of_tertial = current_month.month_of_tertial
    group by chosen.kommun_code, chosen.pledge_id, chosen.period
),

measured as (
    select
        chosen.kommun_code,
        chosen.pledge_id,
        chosen.period,
        chosen.period_end,
        chosen.pledge_baseline_period,
        chosen.baseline_period,
        pledges.category_id,
        pledges.indicator,
        pledges.target_change_pct,
        pledges.suppression_threshold,
        pledges.survey_min_respondents,
        police_compared.compared_months,
        current.covered_months,
        case pledges.indicator
            when 'police_reported_count' then police_compared.value
            when 'survey_problem_share' then current.problem_count / nullif(current.respondents, 0)
            else current.pooled_count
        end as indicator_value,
        case pledges.indicator
            when 'police_reported_count' then police_compared.baseline
            when 'survey_problem_share' then baseline.problem_count / nullif(baseline.respondents, 0)
            else baseline.pooled_count
        end as baseline_value,
        case when pledges.indicator = 'survey_problem_share' then current.respondents end as respondents,
        case when pledges.indicator = 'survey_problem_share' then baseline.respondents end as baseline_respondents,
        current.problem_count,
        baseline.problem_count as baseline_problem_count,
        -- this tertial's share of the exposure; equal populations (or unknown) -> 0.5
        case
            when current.population > 0 and baseline.population > 0
                then current.population / cast(current.population + baseline.population as double)
            else 0.5
        end as exposure_share
    from chosen
    inner join pledges using (kommun_code, pledge_id)
    left join pledge_values as current
        on current.kommun_code = chosen.kommun_code
        and current.pledge_id = chosen.pledge_id
        and current.period = chosen.period
    left join pledge_values as baseline
        on baseline.kommun_code = chosen.kommun_code
        and baseline.pledge_id = chosen.pledge_id
        and baseline.period = chosen.baseline_period
    left join police_compared
        on police_compared.kommun_code = chosen.kommun_code
        and police_compared.pledge_id = chosen.pledge_id
        and police_compared.period = chosen.period
),

judged as (
    select
        *,
        baseline_value * (1 + target_change_pct / 100.0) as target_value,
        (indicator_value - baseline_value) * 100.0 / nullif(baseline_value, 0) as change_pct,
        indicator_value is not null and baseline_value is not null and case
            when indicator = 'survey_problem_share'
                then respondents >= survey_min_respondents and baseline_respondents >= survey_min_respondents
            when indicator in ('police_reported_count', 'partner_report_count')
                then not (indicator_value between 1 and suppression_threshold - 1)
                    and not (baseline_value between 1 and suppression_threshold - 1)
            else true  -- police events are public at their source
        end as is_publishable
    from measured
),

count_tests as (
    select distinct
        cast(indicator_value as bigint) as k,
        cast(indicator_value + baseline_value as bigint) as n,
        exposure_share as p
    from judged
    where is_publishable and indicator <> 'survey_problem_share' and indicator_value + baseline_value > 0
),

count_p_values as (
    {{ exact_binomial_p_values('count_tests') }}
),

share_tests as (
    select distinct
        problem_count as x1,
        respondents as n1,
        baseline_problem_count as x2,
        baseline_respondents as n2
    from judged
    where is_publishable and indicator = 'survey_problem_share'
),

share_p_values as (
    {{ fisher_exact_p_values('share_tests') }}
),

tested as (
    select
        judged.*,
        case
            when not judged.is_publishable then null
            when judged.indicator = 'survey_problem_share' then {{ round_significant('share_p_values.p_value') }}
            when judged.indicator_value + judged.baseline_value = 0 then 1.0
            else {{ round_significant('count_p_values.p_value') }}
        end as change_p_value
    from judged
    left join count_p_values
        on judged.indicator <> 'survey_problem_share'
        and count_p_values.k = cast(judged.indicator_value as bigint)
        and count_p_values.n = cast(judged.indicator_value + judged.baseline_value as bigint)
        and count_p_values.p = judged.exposure_share
    left join share_p_values
        on judged.indicator = 'survey_problem_share'
        and share_p_values.x1 = judged.problem_count
        and share_p_values.n1 = judged.respondents
        and share_p_values.x2 = judged.baseline_problem_count
        and share_p_values.n2 = judged.baseline_respondents
)

select
    kommun_code,
    pledge_id,
    period,
    category_id,
    indicator,
    pledge_baseline_period,
    baseline_period,
    cast(target_change_pct as double) as target_change_pct,
    cast(indicator_value as double) as indicator_value,
    cast(baseline_value as double) as baseline_value,
    cast(target_value as double) as target_value,
    cast(change_pct as double) as change_pct,
    case
        when change_pct is null or not is_publishable then 'no_data'
        -- 1e-9: a change of exactly the target is on track despite floating point
        when target_change_pct < 0 and change_pct <= target_change_pct + 1e-9 then 'on_track'
        when target_change_pct > 0 and change_pct >= target_change_pct - 1e-9 then 'on_track'
        else 'off_track'
    end as status,
    cast(compared_months as integer) as compared_months,
    coalesce(compared_months < 4, false)
        or (indicator = 'police_reported_count' and covered_months < 4)
        or period_end >= {{ as_of() }} as is_preliminary,
    cast(respondents as bigint) as respondents,
    cast(baseline_respondents as bigint) as baseline_respondents,
    cast(change_p_value as double) as change_p_value,
    change_p_value < {{ var('significance_level') }} as change_is_significant
from tested
