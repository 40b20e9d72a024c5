select
    kommun_code,
    area_id,
    label,
    {{ normalise_name('label') }} as label_key,
    is_primary,
    sort_order,
    lat,
    lon
from {{ source('raw', 'config_area_names') }}
