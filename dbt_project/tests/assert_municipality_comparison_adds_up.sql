-- fct_municipality_comparison adds up: a municipality's 'alla' row is the sum of its
-- categories, the region's rows are the sums of its municipalities' (where every part is
-- known), per 1 000 is the count over the population, and no count is negative.
-- Returns the rows that break a rule.
with rows as (
    select * from {{ ref('fct_municipality_comparison') }}
),

by_category as (
    select kommun_code, period, sum(police_reported_count) as summed,
        count(*) filter (where police_reported_count is null) as unknown
    from rows
    where category_id <> 'alla'
    group by all
),

by_municipality as (
    select period, category_id, sum(police_reported_count) as summed, sum(partner_report_count) as partners,
        count(*) filter (where police_reported_count is null) as unknown,
        count(*) filter (where partner_report_count is null) as partners_unknown
    from rows
    where not is_region
    group by all
)

select 'alla is not the sum of the categories' as rule, rows.kommun_code, rows.period, rows.category_id
from rows
inner join by_category using (kommun_code, period)
where rows.category_id = 'alla' and by_category.unknown = 0 and rows.police_reported_count <> by_category.summed
union all
select 'region is not the sum of its municipalities', rows.kommun_code, rows.period, rows.category_id
from rows
inner join by_municipality using (period, category_id)
where rows.is_region and (
    (by_municipality.unknown = 0 and rows.police_reported_count is distinct from by_municipality.summed)
    or (by_municipality.unknown > 0 and rows.police_reported_count is not null)
    or (by_municipality.partners_unknown = 0 and rows.partner_report_count is distinct from by_municipality.partners)
)
union all
select 'per 1 000 does not match', kommun_code, period, category_id
from rows
where abs(police_reported_per_1000 - police_reported_count * 1000.0 / population) > 1e-9
union all
select 'negative count', kommun_code, period, category_id
from rows
where police_reported_count < 0 or partner_report_count < 0 or police_event_count < 0
    or police_reported_compared_count < 0 or police_reported_same_period_last_year < 0
