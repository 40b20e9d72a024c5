-- Kolada KPI values (raw.kolada_values), typed and renamed; every loaded file's rows.
select
    kpi_id,
    municipality_id as area_id,
    cast(year as integer) as year,
    gender,
    value,
    fetched_at,
    _loaded_at as loaded_at,
    _source_file as source_file
from {{ source('raw_reference', 'kolada_values') }}
