select kommun_code, area_id, cast(year as integer) as year, cast(population as integer) as population
from {{ source('raw', 'config_area_population') }}
