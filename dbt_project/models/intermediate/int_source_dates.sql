-- The dates on which the configured municipality has any data, per source; defines the
-- periods the marts and reports cover.
select 'police_events' as source, event_date as data_date
from {{ ref('int_police_events') }}
where area_id is not null

union all

select 'police_local', month
from {{ ref('int_police_reported_monthly') }}

union all

select 'partner_reports', report_date
from {{ ref('int_partner_reports') }}

union all

select 'surveys', cast(submitted_at as date)
from {{ ref('int_survey_responses') }}
