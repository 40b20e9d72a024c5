-- Every month of every tertial in dim_period, with its Swedish label ('januari 2025'),
-- for the reports' monthly tables.
with periods as (
    select * from {{ ref('int_periods') }}
),

calendar_months as (
    select * from {{ ref('calendar_months') }}
)

select
    make_date(cast(periods.year as integer), calendar_months.month_number, 1) as month,
    periods.period,
    calendar_months.name_sv || ' ' || periods.year as month_label
from periods
inner join calendar_months
    on calendar_months.tertial = periods.tertial
