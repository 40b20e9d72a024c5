-- Scaled answers of the counted responses (newest export per response id), with their
-- category and meaning. An answer matches a label of its question's scale by the
-- normalised key (case, accents, whitespace ignored), else a digit 1..n stands for the
-- n-th label in scale order (1 = first problem label, then on through no_problem).
-- answer_kind: problem | no_problem | ignore (an ignore label) | blank | unmatched.
-- Only problem and no_problem answers are counted. Questions and scales are each
-- municipality's own (its questions.yaml): joined on kommun_code.
with responses as (
    select * from {{ ref('int_survey_responses') }}
),

answers as (
    select * from {{ ref('stg_surveys__responses') }}
),

questions as (
    select * from {{ ref('stg_surveys__questions') }} where not is_free_text
),

labels as (
    select * from {{ ref('stg_surveys__scale_labels') }}
),

category_keys as (
    select * from {{ ref('int_category_keys') }}
),

matched as (
    select
        responses.response_id,
        responses.kommun_code,
        responses.area_id,
        responses.sector,
        responses.period,
        responses.submitted_at,
        answers.question_id,
        questions.scale,
        category_keys.category_id,
        answers.answer_text,
        case
            when answers.answer_text is null then 'blank'
            when by_label.label_kind is not null then by_label.label_kind
            when by_digit.label_kind is not null then by_digit.label_kind
            else 'unmatched'
        end as answer_kind,
        coalesce(by_label.answer_digit, by_digit.answer_digit) as answer_digit
    from responses
    inner join answers
        on answers.kommun_code = responses.kommun_code
        and answers.response_id = responses.response_id
        and answers.file_sha256 = responses.file_sha256
    inner join questions
        on questions.kommun_code = responses.kommun_code
        and questions.question_id = answers.question_id
    left join category_keys
        on category_keys.category_key = {{ normalise_name('questions.category_text') }}
    left join labels as by_label
        on by_label.kommun_code = responses.kommun_code
        and by_label.scale = questions.scale
        and by_label.label_key = {{ normalise_name('answers.answer_text') }}
    left join labels as by_digit
        on by_digit.kommun_code = responses.kommun_code
        and by_digit.scale = questions.scale
        and regexp_full_match(answers.answer_text, '[0-9]{1,3}')
        and by_digit.answer_digit = try_cast(answers.answer_text as integer)
)

select
    *,
    answer_kind in ('problem', 'no_problem') as is_counted,
    answer_kind = 'problem' as is_problem
from matched
