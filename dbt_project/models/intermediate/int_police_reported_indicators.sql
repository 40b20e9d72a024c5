-- Local police reported crimes per (tertial, area, category) of the configured
-- municipality, from int_police_reported_monthly (newest extract per month).
--
-- police_reported_count: the sum over the months of the period; null when any of
-- those months is suppressed at source (`..`): the total is then unknown, and a
-- partial sum would read as a (too low) count.
-- police_reported_months: how many months of the period an extract covers for the
-- municipality (a month is covered when the winning extracts have any row for it).
-- Counted per municipality, not per area/category, because extracts list zero
-- counts explicitly: a covered month without a row for an area/category contributes
-- nothing rather than being unknown (the 'okant' rows, whose zeros are not listed,
-- would otherwise look under-covered). 4 = the whole tertial is covered.
with monthly as (
    select * from {{ ref('int_police_reported_monthly') }}
),

covered as (
    select kommun_code, period, count(distinct month) as months
    from monthly
    group by kommun_code, period
)

select
    monthly.period,
    monthly.kommun_code,
    monthly.area_id,
    monthly.category_id,
    cast(
        case when bool_or(monthly.suppressed) then null else sum(monthly.reported_count) end
        as bigint
    ) as police_reported_count,
    cast(any_value(covered.months) as integer) as police_reported_months
from monthly
inner join covered
    on covered.kommun_code = monthly.kommun_code
    and covered.period = monthly.period
group by monthly.period, monthly.kommun_code, monthly.area_id, monthly.category_id
