-- Survey columns not loaded (outside the question catalogue) of the files a tertial's
-- data-quality section lists (int_report_section_files): per column, how many files had it
-- and why it was not read (the first reason alphabetically, when files differ).
select
    section.kommun_code,
    section.period,
    ignored.column_header,
    count(distinct ignored.source_file) as file_count,
    min(ignored.reason) as reason
from {{ ref('int_report_section_files') }} as section
inner join {{ source('audit', 'ignored_columns') }} as ignored
    on ignored.source_file = section.source_file
group by all
