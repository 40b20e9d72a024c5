-- Tertials from the first to the last one with data: T1 January–April, T2 May–August,
-- T3 September–December (seed calendar_months names the months of each tertial).
-- is_in_progress: the tertial has not ended by the as-of date (the one clock, as_of()),
-- or lies after it.
with source_dates as (
    select * from {{ ref('int_source_dates') }}
),

calendar_months as (
    select * from {{ ref('calendar_months') }}
),

bounds as (
    select min(data_date) as first_date, max(data_date) as last_date
    from source_dates
),

starts as (
    select cast(unnest(generate_series(
        {{ tertial_start(tertial_of('first_date')) }},
        {{ tertial_start(tertial_of('last_date')) }},
        interval 4 month
    )) as date) as period_start
    from bounds
    where first_date is not null
),

tertial_names as (
    select
        tertial,
        arg_min(name_sv, month_number) as first_month_name,
        arg_max(name_sv, month_number) as last_month_name
    from calendar_months
    group by tertial
),

periods as (
    select
        {{ tertial_of('period_start') }} as period,
        period_start,
        cast(period_start + interval 4 month - interval 1 day as date) as period_end,
        year(period_start) as year,
        (month(period_start) - 1) // 4 + 1 as tertial
    from starts
)

select
    periods.period,
    periods.period_start,
    periods.period_end,
    periods.year,
    periods.tertial,
    'tertial ' || periods.tertial || ' ' || periods.year
        || ' (' || tertial_names.first_month_name || '–' || tertial_names.last_month_name || ')'
        as period_label,
    periods.period_end >= {{ as_of() }} as is_in_progress
from periods
inner join tertial_names
    on tertial_names.tertial = periods.tertial
