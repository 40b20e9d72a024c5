-- The medborgarlöften as decided (pledges.yaml), with the category they are about: what
-- the report and the briefs print beside each pledge's follow-up (fct_pledge_followup).
-- One row per (kommun_code, pledge_id): each municipality's folder has its own pledges.yaml.
with pledges as (
    select * from {{ ref('stg_config__pledges') }}
),

category_keys as (
    select * from {{ ref('int_category_keys') }}
),

municipality as (
    select kommun_code from {{ ref('stg_config__municipality') }}
)

select
    pledges.kommun_code,
    pledges.pledge_id,
    pledges.pledge_period,
    pledges.title,
    coalesce(category_keys.category_id, pledges.category_text) as category_id,
    pledges.area_ids,
    pledges.indicator,
    pledges.baseline_period,
    pledges.target_change_pct,
    pledges.sort_order
from pledges
inner join municipality using (kommun_code)
left join category_keys
    on category_keys.category_key = {{ normalise_name('pledges.category_text') }}
