-- Police event versions as loaded (raw keeps every version of an event), renamed and
-- typed: one row per loaded version. Parsing the title and choosing the version that
-- counts are business rules: intermediate.int_police_event_versions.
with source as (
    select * from {{ source('raw', 'police_events') }}
)

select
    id as event_id,
    -- `datetime` is 'YYYY-MM-DD H:MM:SS +HH:MM': the wall-clock time as published, and the
    -- moment itself (offset applied), which orders the versions of an event.
    strptime(left(datetime, length(datetime) - 7), '%Y-%m-%d %H:%M:%S') as published_at,
    strptime(datetime, '%Y-%m-%d %H:%M:%S %z') as published_instant,
    name as event_title,
    type as event_type,
    summary,
    url as url_path,
    location_name,
    try_cast(split_part(location_gps, ',', 1) as double) as latitude,
    try_cast(split_part(location_gps, ',', 2) as double) as longitude,
    _source_file as source_file,
    _source_row as source_row,
    _file_sha256 as file_sha256,
    _loaded_at as loaded_at
from source
