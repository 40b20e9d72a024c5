-- The configured municipality: code, name, county and the suppression threshold of
-- its published outputs.
select kommun_code, kommun_name, county, suppression_threshold
from {{ ref('stg_config__municipality') }}
