-- Local police extract rows as loaded, renamed and typed. Suppressed counts (`..`)
-- stay null with `suppressed` true; summing and file precedence are in
-- int_police_reported_monthly.
select
    cast(month as date) as month,
    area as area_text,
    category as category_text,
    cast(reported_count as bigint) as reported_count,
    suppressed,
    _source_file as source_file,
    _source_row as source_row,
    _file_sha256 as file_sha256,
    _loaded_at as loaded_at
from {{ source('raw_police_stats', 'police_local') }}
