-- Pledge follow-up (DATA-CONTRACT §2.2): one row per pledge and tertial after its declared
-- baseline tertial. The logic (season against season, compared months, pooling, what may
-- be published, the test) is in int_pledge_followup; the contract's columns come first.
-- Grain: (kommun_code, pledge_id, period). Beside it, the measures of the action plan that keep
-- the pledge (fct_action_followup): how many, how many done, how many late, as of that tertial.
with followup as (
    select * from {{ ref('int_pledge_followup') }}
),

measures as (
    select
        kommun_code,
        pledge_id,
        period,
        count(*) as actions_count,
        count(*) filter (where status = 'genomförd') as actions_done,
        count(*) filter (where is_late) as actions_late
    from {{ ref('fct_action_followup') }}
    where pledge_id is not null
    group by all
)

select
    followup.pledge_id,
    followup.period,
    category_id,
    indicator_value,
    baseline_value,
    target_value,
    change_pct,
    status,
    indicator,
    baseline_period,
    target_change_pct,
    -- appended: season against season, honest edges, uncertainty
    pledge_baseline_period,
    compared_months,
    is_preliminary,
    respondents,
    baseline_respondents,
    change_p_value,
    change_is_significant,
    -- appended: a pledge id is unique only within its municipality
    followup.kommun_code,
    -- appended: the measures that keep it (0: none in actions.yaml)
    coalesce(measures.actions_count, 0) as actions_count,
    coalesce(measures.actions_done, 0) as actions_done,
    coalesce(measures.actions_late, 0) as actions_late
from followup
left join measures
    on measures.kommun_code = followup.kommun_code
    and measures.pledge_id = followup.pledge_id
    and measures.period = followup.period
