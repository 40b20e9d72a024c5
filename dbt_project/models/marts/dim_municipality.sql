-- The configured municipalities (one row each): code, name, county, the suppression threshold of its
-- published outputs and the fewest survey respondents a published share may rest on.
select kommun_code, kommun_name, county, suppression_threshold, survey_min_respondents
from {{ ref('stg_config__municipality') }}
