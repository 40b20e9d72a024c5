-- Rejected rows per source kind and reason of the files a tertial's data-quality section lists
-- (int_report_section_files): the table "Avvisade rader per orsak" of each municipality's
-- report. A shared file's rows (kommun_code null) count for every municipality.
select
    section.kommun_code,
    section.period,
    nullif(rejected.source_kind, '') as source_kind,
    rejected.reason,
    count(*) as row_count
from {{ ref('int_report_section_files') }} as section
inner join {{ source('audit', 'rejected_rows') }} as rejected
    on rejected.source_file = section.source_file
    and (rejected.kommun_code = section.kommun_code or rejected.kommun_code is null)
group by all
