-- Partner reports of each configured municipality (the folder that held the file) with
-- area, category and tertial, one row per natural key (DATA-CONTRACT §2.5):
--   (kommun_code, partner, report_date, area_id, category_id, place, description_sha256, file row)
-- "File row" is the occurrence of an identical row within its file (1, 2, ... in file
-- order): two identical rows in one file are two incidents; the same row in another file
-- (a re-export under a new name) is the same incident. When several files carry a key,
-- the newest file's row wins (its Antal counts).
-- A file saved again under the same name is a new version of that file: the newest
-- version's rows replace the older version's whole (a corrected date or category does
-- not leave the wrong row behind, nor count twice).
with reports as (
    select * from {{ ref('stg_partners__reports') }}
    qualify file_sha256 = first_value(file_sha256) over (
        partition by kommun_code, source_file order by loaded_at desc, file_sha256 desc
    )
),

municipality as (
    select kommun_code from {{ ref('stg_config__municipality') }}
),

area_keys as (
    select * from {{ ref('int_area_keys') }}
),

category_keys as (
    select category_key, category_id from {{ ref('int_category_keys') }}
),

mapped as (
    select
        reports.*,
        coalesce(area_keys.area_id, '{{ var("unknown_area_id") }}') as area_id,
        category_keys.category_id
    from reports
    inner join municipality using (kommun_code)
    left join area_keys
        on area_keys.kommun_code = reports.kommun_code
        and area_keys.label_key = reports.area_key
    left join category_keys
        on category_keys.category_key = reports.category_key
),

numbered as (
    select
        *,
        row_number() over (
            partition by kommun_code, source_file, partner_key, report_date, area_id, category_id,
                place_key, description_sha256
            order by source_row
        ) as occurrence_in_file
    from mapped
),

deduplicated as (
    select *
    from numbered
    qualify row_number() over (
        partition by kommun_code, partner_key, report_date, area_id, category_id, place_key,
            description_sha256, occurrence_in_file
        order by loaded_at desc, source_file desc
    ) = 1
)

select
    kommun_code,
    area_id,
    category_id,
    report_date,
    {{ tertial_of('report_date') }} as period,
    partner,
    partner_key,
    report_count,
    area_text,
    category_text,
    place,
    place_key,
    description,
    description_sha256,
    occurrence_in_file,
    source_file,
    source_row
from deduplicated
