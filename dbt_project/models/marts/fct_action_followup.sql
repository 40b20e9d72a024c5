-- The action plan followed up (DATA-CONTRACT §2.7): one row per measure and tertial, from the
-- tertial the measure starts or is first followed up in (the municipality's newest tertial, for
-- a measure decided for later) to the newest, or to the tertial of the update that closed it
-- (`genomförd`, `inställd`). Each row says how the measure stood at the end of that tertial,
-- or on the as-of date for the tertial in progress: the status of the latest update dated by
-- then (`planerad` before any), the latest count done, and whether it is late (past `end`
-- without being done or cancelled). The contract's columns come first. The as-of date itself is
-- not stored (status_date is null for the tertial in progress): a row changes only when the date
-- passes an update's date or a measure's end (issue 15, pipelines/as_of_effect.py).
-- Grain: (kommun_code, action_id, period).
with actions as (
    select * from {{ ref('stg_actions__actions') }}
),

-- by date, then by place in the file: "newest last" is asked of the coordinator, not relied on
updates as (
    select
        *,
        row_number() over (partition by kommun_code, action_id order by update_date, update_no) as update_seq
    from {{ ref('stg_actions__updates') }}
),

category_keys as (
    select * from {{ ref('int_category_keys') }}
),

periods as (
    select * from {{ ref('int_municipality_periods') }}
),

newest as (
    select kommun_code, max(period) as last_period from periods group by kommun_code
),

first_updates as (
    select
        kommun_code,
        action_id,
        min(update_date) as first_update_date,
        -- a measure whose latest update closes it is followed up to that tertial, not after
        case when arg_max(status, update_seq) in ('genomförd', 'inställd') then max(update_date) end as closed_date
    from updates
    group by all
),

action_periods as (
    select
        actions.*,
        periods.period,
        periods.is_in_progress,
        least(periods.period_end, {{ as_of() }}) as standing_date,
        case when not periods.is_in_progress then periods.period_end end as status_date
    from actions
    inner join newest using (kommun_code)
    left join first_updates
        on first_updates.kommun_code = actions.kommun_code
        and first_updates.action_id = actions.action_id
    inner join periods
        on periods.kommun_code = actions.kommun_code
        and periods.period >= least(
            {{ tertial_of('actions.start_date') }},
            coalesce({{ tertial_of('first_updates.first_update_date') }}, newest.last_period),
            newest.last_period
        )
        and (first_updates.closed_date is null or periods.period <= {{ tertial_of('first_updates.closed_date') }})
),

standing as (
    select
        action_periods.kommun_code,
        action_periods.action_id,
        action_periods.period,
        arg_max(updates.status, updates.update_seq) as status,
        arg_max(updates.done, updates.update_seq) filter (where updates.done is not null) as done,
        arg_max(updates.note, updates.update_seq) filter (where updates.note is not null) as latest_note,
        max(updates.update_date) as latest_update_date
    from action_periods
    inner join updates
        on updates.kommun_code = action_periods.kommun_code
        and updates.action_id = action_periods.action_id
        and updates.update_date <= action_periods.standing_date
    group by all
),

followup as (
    select
        action_periods.*,
        coalesce(standing.status, 'planerad') as status,
        standing.done,
        standing.latest_note,
        standing.latest_update_date,
        coalesce(category_keys.category_id, action_periods.category_text) as category_id
    from action_periods
    left join standing
        on standing.kommun_code = action_periods.kommun_code
        and standing.action_id = action_periods.action_id
        and standing.period = action_periods.period
    left join category_keys
        on category_keys.category_key = {{ normalise_name('action_periods.category_text') }}
)

select
    action_id,
    period,
    pledge_id,
    category_id,
    owner,
    status,
    done,
    target_count,
    coalesce(end_date < standing_date and status not in ('genomförd', 'inställd'), false) as is_late,
    -- appended: what the report prints beside them
    title,
    area_ids,
    start_date,
    end_date,
    target_measure,
    case when target_count > 0 then done / target_count end as progress_share,
    latest_note,
    latest_update_date,
    status_date,
    is_in_progress,
    sort_order,
    kommun_code
from followup
