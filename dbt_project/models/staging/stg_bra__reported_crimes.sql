-- BRÅ "Anmälda brott" rows as loaded, renamed and typed; name matching and the
-- choice between files are in int_police_reported_by_kommun.
select
    kommun as kommun_in_file,
    cast(year as integer) as year,
    cast(reported_crimes as bigint) as reported_crimes,
    cast(per_100k as double) as per_100k,
    _source_file as source_file,
    _source_row as source_row,
    _file_sha256 as file_sha256,
    _loaded_at as loaded_at
from {{ source('raw_police_stats', 'police_bra') }}
