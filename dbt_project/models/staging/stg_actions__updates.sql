-- The follow-up of each measure (actions.yaml, `updates`); update_no is the place in the file.
{%- set updates = source('raw_actions', 'action_updates') %}
{%- if execute and adapter.get_relation(updates.database, updates.schema, updates.identifier) is none %}
select
    cast(null as varchar) as kommun_code, cast(null as varchar) as action_id, cast(null as integer) as update_no,
    cast(null as date) as update_date, cast(null as varchar) as status, cast(null as integer) as done,
    cast(null as varchar) as note
where false
{%- else %}
select
    kommun_code,
    action_id,
    cast(update_no as integer) as update_no,
    cast(update_date as date) as update_date,
    status,
    cast(done as integer) as done,
    note
from {{ updates }}
{%- endif %}
