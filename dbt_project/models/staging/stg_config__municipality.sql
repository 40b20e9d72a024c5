select kommun_code, name as kommun_name, county, cast(suppression_threshold as integer) as suppression_threshold
from {{ source('raw', 'config_municipality') }}
