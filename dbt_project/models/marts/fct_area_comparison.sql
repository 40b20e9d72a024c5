-- The figures of the report's map (DATA-CONTRACT §4.2): every area's police-reported crimes
-- over all problem categories per tertial, against the same tertial last year, and where
-- the area lies (dim_area.lat/lon). One row per (municipality, its tertial, area); the
-- unknown area is not a place and has none.
--
-- Summed over the categories of fct_problem_indicators, as fct_municipality_comparison sums
-- over areas: an (area, category) row missing in a covered tertial counts 0, an unknown cell
-- (`..` at source) makes the sum unknown, and no extract for the tertial makes it null.
-- The comparison runs over the compared months; its significance is the exact conditional
-- binomial test of int_indicator_trends on the sums (p = this year's share of the area's
-- population of both years), with the p-values of a municipality's tertial adjusted
-- together over its areas (Benjamini–Hochberg: the areas on one map are one family).
with areas as (
    select kommun_code, area_id, area_name, lat, lon, sort_order
    from {{ ref('dim_area') }}
    where area_id <> '{{ var("unknown_area_id") }}'
),

periods as (
    select own.kommun_code, own.period, dim_period.year
    from {{ ref('dim_municipality_period') }} as own
    inner join {{ ref('dim_period') }} as dim_period on dim_period.period = own.period
),

indicators as (
    select * from {{ ref('fct_problem_indicators') }}
),

population as (
    select kommun_code, area_id, year, population from {{ ref('int_area_population_by_year') }}
),

-- Per municipality and tertial: how many months an extract covers, and the compared months
-- (the same for every row of a municipality's tertial).
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

-- Sums over categories; one unknown category makes the sum unknown.
summed as (
    select
        period,
        kommun_code,
        area_id,
        {{ sum_if_all_known('police_reported_count') }} as police_reported_count,
        {{ sum_if_all_known('police_reported_compared_count') }} as compared_count,
        {{ sum_if_all_known('police_reported_same_period_last_year') }} as last_year_count
    from indicators
    group by all
),

area_rows as (
    select
        areas.kommun_code,
        periods.period,
        areas.area_id,
        areas.lat,
        areas.lon,
        coalesce(coverage.police_reported_months, 0) as police_reported_months,
        coverage.compared_months,
        coalesce(coverage.is_preliminary, false) as is_preliminary,
        -- a covered tertial without any row for the area: none reported
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
        population.population,
        last_year_population.population as population_last_year
    from areas
    inner join periods on periods.kommun_code = areas.kommun_code
    left join coverage
        on coverage.kommun_code = areas.kommun_code
        and coverage.period = periods.period
    left join summed
        on summed.kommun_code = areas.kommun_code
        and summed.period = periods.period
        and summed.area_id = areas.area_id
    left join population
        on population.kommun_code = areas.kommun_code
        and population.area_id = areas.area_id
        and population.year = periods.year
    left join population as last_year_population
        on last_year_population.kommun_code = areas.kommun_code
        and last_year_population.area_id = areas.area_id
        and last_year_population.year = periods.year - 1
),

comparisons as (
    select
        area_rows.*,
        compared_count as k,
        compared_count + last_year_count as n,
        {{ exposure_share('population', 'population_last_year') }} as p
    from area_rows
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

-- Benjamini–Hochberg within (municipality, tertial), over its areas.
ranked as (
    select
        kommun_code,
        period,
        area_id,
        p_value,
        count(*) over (partition by kommun_code, period) as tests_in_tertial,
        row_number() over (partition by kommun_code, period order by p_value, area_id) as p_rank
    from tested
    where n > 0
),

adjusted as (
    select
        kommun_code,
        period,
        area_id,
        {{ benjamini_hochberg_adjusted() }} as p_adjusted
    from ranked
)

select
    tested.kommun_code,
    tested.period,
    tested.area_id,
    tested.lat,
    tested.lon,
    cast(tested.police_reported_count as bigint) as police_reported_count,
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
    {{ trend_direction('tested.compared_count', 'tested.last_year_count') }} as police_reported_direction,
    tested.is_preliminary
from tested
left join adjusted using (kommun_code, period, area_id)
