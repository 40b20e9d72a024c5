-- Free-text answers (questions with free_text: true) of the counted responses, for the
-- report's quotes. Already redacted (personnummer, phone, e-mail) and formula-neutralised
-- at load; no respondent id is carried.
with responses as (
    select * from {{ ref('int_survey_responses') }}
),

answers as (
    select * from {{ ref('stg_surveys__responses') }}
    where answer_text is not null
),

questions as (
    select * from {{ ref('stg_surveys__questions') }} where is_free_text
)

select
    responses.period,
    responses.kommun_code,
    responses.area_id,
    answers.question_id,
    answers.answer_text
from responses
inner join answers
    on answers.kommun_code = responses.kommun_code
    and answers.response_id = responses.response_id
    and answers.file_sha256 = responses.file_sha256
inner join questions
    on questions.kommun_code = responses.kommun_code
    and questions.question_id = answers.question_id
