-- Tertials from the first to the last one with data (intermediate.int_periods).
with periods as (
    select * from {{ ref('int_periods') }}
)

select period, period_start, period_end, year, tertial, period_label, is_in_progress
from periods
