-- Tertials from the first to the last one with data: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec.
with bounds as (
    select min(data_date) as first_date, max(data_date) as last_date
    from {{ ref('int_source_dates') }}
),

starts as (
    select cast(unnest(generate_series(
        {{ tertial_start(tertial_of('first_date')) }},
        {{ tertial_start(tertial_of('last_date')) }},
        interval 4 month
    )) as date) as period_start
    from bounds
    where first_date is not null
)

select
    {{ tertial_of('period_start') }} as period,
    period_start,
    cast(period_start + interval 4 month - interval 1 day as date) as period_end,
    year(period_start) as year,
    (month(period_start) - 1) // 4 + 1 as tertial
from starts
