-- The dates on which the configured municipality has any data, per source; defines the
-- periods the marts and reports cover.
select 'police_events' as source, event_date as data_date
from {{ ref('int_police_events') }}
where area_id is not null
