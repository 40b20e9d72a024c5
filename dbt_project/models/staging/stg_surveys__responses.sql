-- Survey answers, typed and renamed; one row per (export file, response, question).
-- kommun_code: the municipality whose folder held the export.
select
    _kommun_code as kommun_code,
    response_id,
    submitted_at,
    submitted as submitted_text,
    nullif(trim(area), '') as area_name,
    nullif(trim(sector), '') as sector,
    question_id,
    nullif(trim(answer), '') as answer_text,
    _file_sha256 as file_sha256,
    _source_file as source_file,
    cast(_source_row as bigint) as source_row,
    _loaded_at as loaded_at
from {{ source('raw_surveys', 'survey_responses') }}
