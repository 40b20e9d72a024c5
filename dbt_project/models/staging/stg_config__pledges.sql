-- The pledges (pledges.yaml). Until the ingest asset has written raw.config_pledges once
-- (a warehouse built before pledges were supported), there are no pledges.
{%- set pledges = source('raw_pledges', 'config_pledges') %}
{%- if execute and adapter.get_relation(pledges.database, pledges.schema, pledges.identifier) is none %}
select
    cast(null as varchar) as kommun_code, cast(null as varchar) as pledge_id, cast(null as varchar) as pledge_period, cast(null as varchar) as title,
    cast(null as varchar) as category_text, cast(null as varchar[]) as area_ids, cast(null as varchar) as indicator,
    cast(null as varchar) as baseline_period, cast(null as double) as target_change_pct,
    cast(null as integer) as sort_order
where false
{%- else %}
select
    kommun_code,
    pledge_id,
    period as pledge_period,
    title,
    category_text,
    cast(area_ids as varchar[]) as area_ids,
    indicator,
    baseline_period,
    cast(target_change_pct as double) as target_change_pct,
    cast(sort_order as integer) as sort_order
from {{ pledges }}
{%- endif %}
