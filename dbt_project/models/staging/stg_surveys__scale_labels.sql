-- Scale labels with their matching key (case, accents, whitespace ignored), their kind and
-- the digit that stands for them (1 = first problem label, then on through no_problem).
select
    kommun_code,
    scale,
    label,
    {{ normalise_name('label') }} as label_key,
    kind as label_kind,
    cast(position as integer) as answer_digit
from {{ source('raw_surveys', 'config_survey_scale_labels') }}
