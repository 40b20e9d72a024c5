-- Partner reports per (period, municipality, area, category): the sum of Antal, the
-- number of report rows and the number of distinct partners reporting.
select
    period,
    kommun_code,
    area_id,
    category_id,
    cast(sum(report_count) as bigint) as partner_report_count,
    cast(count(*) as bigint) as partner_reports,
    cast(count(distinct partner_key) as bigint) as partners
from {{ ref('int_partner_reports') }}
group by period, kommun_code, area_id, category_id
