-- The dates on which a configured municipality has any data, per source; defines the
-- periods the marts and reports cover (int_periods for the warehouse, int_municipality_periods
-- per municipality).
select 'police_events' as source, kommun_code, event_date as data_date
from {{ ref('int_police_events') }}
where area_id is not null

union all

select 'police_local', kommun_code, month
from {{ ref('int_police_reported_monthly') }}

union all

select 'partner_reports', kommun_code, report_date
from {{ ref('int_partner_reports') }}

union all

select 'surveys', kommun_code, cast(submitted_at as date)
from {{ ref('int_survey_responses') }}
