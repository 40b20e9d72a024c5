-- The tertials of each configured municipality: from its first to its last tertial with
-- data (the rule of int_periods, applied to the municipality's own data). int_periods spans
-- every municipality of the warehouse; what is computed for one municipality over "every
-- tertial" (pledge follow-up) runs over these, so that its numbers and rows are the same
-- whether it runs alone or in a region.
with bounds as (
    select
        kommun_code,
        {{ tertial_of('min(data_date)') }} as first_period,
        {{ tertial_of('max(data_date)') }} as last_period
    from {{ ref('int_source_dates') }}
    group by kommun_code
)

select
    bounds.kommun_code,
    periods.period,
    periods.period_start,
    periods.period_end,
    periods.year,
    periods.tertial,
    periods.period_label,
    periods.is_in_progress
from bounds
inner join {{ ref('int_periods') }} as periods
    on periods.period between bounds.first_period and bounds.last_period
