-- The measures of the action plan (actions.yaml). Until the ingest asset has written
-- raw.actions once (a warehouse built before the action plan), there are none.
{%- set actions = source('raw_actions', 'actions') %}
{%- if execute and adapter.get_relation(actions.database, actions.schema, actions.identifier) is none %}
select
    cast(null as varchar) as kommun_code, cast(null as varchar) as action_id, cast(null as varchar) as title,
    cast(null as varchar) as owner, cast(null as varchar) as pledge_id, cast(null as varchar) as category_text,
    cast(null as varchar[]) as area_ids, cast(null as date) as start_date, cast(null as date) as end_date,
    cast(null as varchar) as target_measure, cast(null as integer) as target_count, cast(null as integer) as sort_order
where false
{%- else %}
select
    kommun_code,
    action_id,
    title,
    owner,
    pledge_id,
    category_text,
    cast(area_ids as varchar[]) as area_ids,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    target_measure,
    cast(target_count as integer) as target_count,
    cast(sort_order as integer) as sort_order
from {{ actions }}
{%- endif %}
