-- Rejected rows per source kind and reason of the files a tertial's data-quality section lists
-- (int_report_section_files): the table "Avvisade rader per orsak" of each municipality's
-- report. A shared file's rows (kommun_code null) count for every municipality. Counted per
-- file first: a shared file is listed by every municipality's sections.
with per_file as (
    select kommun_code, source_file, nullif(source_kind, '') as source_kind, reason, count(*) as row_count
    from {{ source('audit', 'rejected_rows') }}
    group by all
)

select
    section.kommun_code,
    section.period,
    per_file.source_kind,
    per_file.reason,
    cast(sum(per_file.row_count) as bigint) as row_count
from {{ ref('int_report_section_files') }} as section
inner join per_file
    on per_file.source_file = section.source_file
    and (per_file.kommun_code = section.kommun_code or per_file.kommun_code is null)
group by all
