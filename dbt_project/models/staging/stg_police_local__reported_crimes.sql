-- Local police extract rows as loaded, renamed and typed. Suppressed counts (`..`)
-- stay null with `suppressed` true; summing and file precedence are in
-- int_police_reported_monthly.
--
-- kommun_code: an extract with a Kommun column (kommun_text: a name, "X kommun", a
-- variant or a 4-digit code) says whose each row is, resolved through int_kommun_keys
-- (the loader rejects a value it cannot resolve, so null here means an unknown spelling);
-- without it the rows are the municipality whose folder held the file (_kommun_code).
with extract_rows as (
    select * from {{ source('raw_police_stats', 'police_local') }}
),

kommun_keys as (
    select * from {{ ref('int_kommun_keys') }}
)

select
    case
        when extract_rows.kommun_text is not null then kommun_keys.kommun_code
        else extract_rows._kommun_code
    end as kommun_code,
    extract_rows.kommun_text,
    extract_rows._kommun_code as folder_kommun_code,
    cast(extract_rows.month as date) as month,
    extract_rows.area as area_text,
    extract_rows.category as category_text,
    cast(extract_rows.reported_count as bigint) as reported_count,
    extract_rows.suppressed,
    extract_rows._source_file as source_file,
    extract_rows._source_row as source_row,
    extract_rows._file_sha256 as file_sha256,
    extract_rows._loaded_at as loaded_at
from extract_rows
left join kommun_keys
    on kommun_keys.kommun_key = {{ casefold_name('extract_rows.kommun_text') }}
