-- Loaded files per source kind of the files a tertial's data-quality section lists
-- (int_report_section_files): the table "Inlästa filer" of each municipality's report. A
-- file counts once per loaded version (an identical audit row once); a shared file's rows
-- (kommun_code null) count for every municipality.
with versions as (
    select distinct
        section.kommun_code,
        section.period,
        loaded.source_file,
        loaded.source_kind,
        loaded.file_sha256,
        loaded.rows_loaded,
        loaded.rows_rejected,
        loaded.loaded_at
    from {{ ref('int_report_section_files') }} as section
    inner join {{ source('audit', 'loaded_files') }} as loaded
        on loaded.source_file = section.source_file
        and (loaded.kommun_code = section.kommun_code or loaded.kommun_code is null)
)

select
    kommun_code,
    period,
    source_kind,
    count(*) as file_count,
    cast(sum(coalesce(rows_loaded, 0)) as bigint) as rows_loaded,
    cast(sum(coalesce(rows_rejected, 0)) as bigint) as rows_rejected,
    max(loaded_at) as last_loaded_at
from versions
group by all
