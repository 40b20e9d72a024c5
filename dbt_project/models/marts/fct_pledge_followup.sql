-- Pledge follow-up (DATA-CONTRACT §2.2): one row per pledge and tertial after its declared
-- baseline tertial. The logic (season against season, compared months, pooling, what may
-- be published, the test) is in int_pledge_followup; the contract's columns come first.
-- Grain: (kommun_code, pledge_id, period).
select
    pledge_id,
    period,
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
    kommun_code
from {{ ref('int_pledge_followup') }}
