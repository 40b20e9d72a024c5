-- Partner reports, renamed and typed; the normalised keys (case, accents and
-- whitespace ignored) are what int_partner_reports matches and dedups on.
-- kommun_code: the municipality whose folder held the file (partner files are never shared).
with source as (
    select * from {{ source('raw_partners', 'partner_reports') }}
)

select
    _kommun_code as kommun_code,
    cast(report_date as date) as report_date,
    partner,
    {{ normalise_name('partner') }} as partner_key,
    category_text,
    {{ normalise_name('category_text') }} as category_key,
    area_text,
    {{ normalise_name("coalesce(area_text, '')") }} as area_key,
    place,
    {{ normalise_name("coalesce(place, '')") }} as place_key,
    cast(report_count as integer) as report_count,
    description,
    description_sha256,
    _source_file as source_file,
    cast(_source_row as bigint) as source_row,
    _file_sha256 as file_sha256,
    _loaded_at as loaded_at
from source
