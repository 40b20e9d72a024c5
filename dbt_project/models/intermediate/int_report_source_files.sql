-- Which loaded files bear on which tertial's report: the files whose loaded rows (as loaded,
-- staging: before any deduplication) have dates in the tertials that report reads. The one
-- definition of what a tertial's *Datakvalitet och källor* section lists (DATA-CONTRACT §4.2):
-- a report reads
--   * the tertial itself and the two before it (the coverage table's 12 months up to its end),
--   * the same tertial one, two and three years earlier (last year's comparison and the
--     baseline of int_indicator_trends).
-- So a file dated 2026-03 bears on 2026-T1 and later tertials, never on 2024-T1. Files with no
-- dated row (BRÅ's and SCB's yearly files, Kolada, configuration, wholly rejected files) have
-- no row here: the report shows them in the newest complete tertial (pipelines/picture/sources.py).
with file_dates as (
    select 'partner_reports' as source_kind, kommun_code, source_file, report_date as data_date
    from {{ ref('stg_partners__reports') }}

    union all

    select 'police_local', folder_kommun_code, source_file, month
    from {{ ref('stg_police_local__reported_crimes') }}

    union all

    select 'surveys', kommun_code, source_file, cast(submitted_at as date)
    from {{ ref('stg_surveys__responses') }}

    union all

    -- the event's own time, as the indicators count it; a county-wide file is every municipality's
    select 'police_events', cast(null as varchar), source_file, cast(event_at as date)
    from {{ ref('int_police_event_versions') }}
),

file_periods as (
    select distinct source_kind, kommun_code, source_file, {{ tertial_start(tertial_of('data_date')) }} as data_period_start
    from file_dates
    where data_date is not null
),

-- how many months before a report's tertial each tertial it reads starts
read_offsets as (
    select * from (values (0), (4), (8), (12), (24), (36)) as offsets (months_back)
)

select distinct
    periods.period,
    file_periods.source_kind,
    file_periods.kommun_code,
    file_periods.source_file
from {{ ref('int_periods') }} as periods
cross join read_offsets
inner join file_periods
    on file_periods.data_period_start = periods.period_start - to_months(read_offsets.months_back)
