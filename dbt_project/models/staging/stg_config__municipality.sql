-- municipality.yaml as validated by pipelines/config.py (one row per configured municipality).
select
    kommun_code,
    name as kommun_name,
    county,
    cast(suppression_threshold as integer) as suppression_threshold,
    cast(survey_min_respondents as integer) as survey_min_respondents
from {{ source('raw', 'config_municipality') }}
