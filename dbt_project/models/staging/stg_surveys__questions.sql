-- The question catalogue (questions.yaml).
select
    kommun_code,
    question_id,
    header,
    category_text,
    scale,
    coalesce(free_text, false) as is_free_text,
    cast(sort_order as integer) as sort_order
from {{ source('raw_surveys', 'config_survey_questions') }}
