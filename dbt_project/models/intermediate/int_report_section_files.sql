-- The source files each tertial's *Datakvalitet och källor* section lists, per municipality
-- (DATA-CONTRACT §4.2): a municipality's own files and the region's shared ones (kommun_code
-- null in the audit tables, every municipality's), of those
--   * the files whose dated rows that tertial's report reads (int_report_source_files), and
--   * in the newest complete tertial (the newest report; the newest tertial when none is
--     complete) also every file no complete tertial lists: files without a dated row (BRÅ's
--     yearly files, configuration, a wholly rejected file) or with rows only in the tertial
--     still in progress, so that no file vanishes from every report.
-- int_report_rejected_rows, int_report_loaded_files and int_report_ignored_columns count
-- these files' audit rows.
with municipality_periods as (
    select kommun_code, period, is_in_progress
    from {{ ref('int_municipality_periods') }}
),

audit_files as (
    select kommun_code, source_file from {{ source('audit', 'loaded_files') }}
    union
    select kommun_code, source_file from {{ source('audit', 'rejected_rows') }}
    union
    -- audit.ignored_columns has no kommun_code: a file's is its load's (unknown: every municipality's)
    select loaded.kommun_code, ignored.source_file
    from {{ source('audit', 'ignored_columns') }} as ignored
    left join {{ source('audit', 'loaded_files') }} as loaded
        on loaded.source_file = ignored.source_file and loaded.file_sha256 = ignored.file_sha256
),

municipality_files as (
    select distinct municipalities.kommun_code, audit_files.source_file
    from (select distinct kommun_code from municipality_periods) as municipalities
    inner join audit_files
        on audit_files.kommun_code = municipalities.kommun_code or audit_files.kommun_code is null
),

read_files as (
    select distinct municipality_periods.kommun_code, municipality_periods.period,
        municipality_periods.is_in_progress, municipality_files.source_file
    from municipality_periods
    inner join municipality_files on municipality_files.kommun_code = municipality_periods.kommun_code
    inner join {{ ref('int_report_source_files') }} as report_files
        on report_files.period = municipality_periods.period
        and report_files.source_file = municipality_files.source_file
),

newest_report as (
    select kommun_code, coalesce(max(period) filter (where not is_in_progress), max(period)) as period
    from municipality_periods
    group by kommun_code
),

unlisted_files as (
    select municipality_files.kommun_code, newest_report.period, municipality_files.source_file
    from municipality_files
    inner join newest_report on newest_report.kommun_code = municipality_files.kommun_code
    where not exists (
        select 1 from read_files
        where read_files.kommun_code = municipality_files.kommun_code
            and read_files.source_file = municipality_files.source_file
            and not read_files.is_in_progress
    )
)

select kommun_code, period, source_file, true as is_read_by_report
from read_files

union all

-- a file the newest report reads is listed there already (then it is no unlisted file)
select kommun_code, period, source_file, false
from unlisted_files
where not exists (
    select 1 from read_files
    where read_files.kommun_code = unlisted_files.kommun_code
        and read_files.period = unlisted_files.period
        and read_files.source_file = unlisted_files.source_file
)
