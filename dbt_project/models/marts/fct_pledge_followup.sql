-- Pledge follow-up (DATA-CONTRACT §2.2): one row per pledge and tertial after its baseline.
-- The indicator over the pledge's areas: counts summed, the survey share pooled over
-- respondents (problem answers / respondents of all the areas together).
--
-- A count is unknown (null) in a tertial when its source has no data at all for the
-- municipality then (no extract, no event, no partner report), or when any of the
-- pledge's areas has an unknown count there (suppressed at source, `..`). Where the
-- source has data but not for an area, that area counts 0.
{%- set count_indicators = ['police_reported_count', 'police_event_count', 'partner_report_count'] %}
with pledges as (
    select pledges.*, category_keys.category_id
    from {{ ref('stg_config__pledges') }} as pledges
    left join {{ ref('int_category_keys') }} as category_keys
        on category_keys.category_key = {{ normalise_name('pledges.category_text') }}
),

pledge_areas as (
    select pledge_id, unnest(area_ids) as area_id from pledges
),

indicators as (
    select * from {{ ref('fct_problem_indicators') }}
),

-- Whether each source has any data for the municipality in the tertial.
source_coverage as (
    select
        period,
        kommun_code,
        count(police_reported_count) > 0 as police_reported_count,
        bool_or(police_event_count > 0) as police_event_count,
        bool_or(partner_report_count > 0) as partner_report_count
    from indicators
    group by all
),

municipality as (
    select kommun_code from {{ ref('stg_config__municipality') }}
),

-- Every tertial from the baseline on, for every area of the pledge.
grid as (
    select pledges.pledge_id, periods.period, pledge_areas.area_id, municipality.kommun_code
    from pledges
    inner join pledge_areas using (pledge_id)
    inner join {{ ref('dim_period') }} as periods on periods.period >= pledges.baseline_period
    cross join municipality
),

area_values as (
    select
        grid.pledge_id,
        grid.period,
        pledges.indicator,
        case pledges.indicator
        {%- for column in count_indicators %}
            when '{{ column }}' then case
                when not coalesce(source_coverage.{{ column }}, false) then null
                when indicators.period is null then 0
                else indicators.{{ column }}
            end
        {%- endfor %}
        end as area_count,
        coalesce(indicators.survey_respondents, 0) as respondents,
        coalesce(round(indicators.survey_problem_share * indicators.survey_respondents), 0) as problem_answers
    from grid
    inner join pledges using (pledge_id)
    left join source_coverage using (period, kommun_code)
    left join indicators
        on indicators.period = grid.period
        and indicators.kommun_code = grid.kommun_code
        and indicators.area_id = grid.area_id
        and indicators.category_id = pledges.category_id
),

pledge_values as (
    select
        pledge_id,
        period,
        case
            when any_value(indicator) = 'survey_problem_share'
                then sum(problem_answers) / nullif(sum(respondents), 0)
            -- one unknown area makes the total unknown: never a partial sum
            when bool_and(area_count is not null) then sum(area_count)
        end as indicator_value
    from area_values
    group by all
),

followup as (
    select
        pledges.pledge_id,
        current.period,
        pledges.category_id,
        pledges.indicator,
        pledges.baseline_period,
        pledges.target_change_pct,
        current.indicator_value,
        baseline.indicator_value as baseline_value
    from pledges
    inner join pledge_values as current
        on current.pledge_id = pledges.pledge_id
        and current.period > pledges.baseline_period
    left join pledge_values as baseline
        on baseline.pledge_id = pledges.pledge_id
        and baseline.period = pledges.baseline_period
),

measured as (
    select
        *,
        baseline_value * (1 + target_change_pct / 100.0) as target_value,
        (indicator_value - baseline_value) * 100.0 / nullif(baseline_value, 0) as change_pct
    from followup
)

select
    pledge_id,
    period,
    category_id,
    cast(indicator_value as double) as indicator_value,
    cast(baseline_value as double) as baseline_value,
    cast(target_value as double) as target_value,
    cast(change_pct as double) as change_pct,
    case
        when change_pct is null then 'no_data'
        -- 1e-9: a change of exactly the target is on track despite floating point
        when target_change_pct < 0 and change_pct <= target_change_pct + 1e-9 then 'on_track'
        when target_change_pct > 0 and change_pct >= target_change_pct - 1e-9 then 'on_track'
        else 'off_track'
    end as status,
    indicator,
    baseline_period,
    cast(target_change_pct as double) as target_change_pct
from measured
