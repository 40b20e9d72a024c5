-- SCB population cells (raw.scb_population), typed and renamed; every loaded file's cells.
select
    region_code,
    region_label,
    contents_code,
    contents_label,
    cast(year as integer) as year,
    value,
    table_id,
    fetched_at,
    _loaded_at as loaded_at,
    _source_file as source_file
from {{ source('raw_reference', 'scb_population') }}
