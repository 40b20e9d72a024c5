-- Local police extracts: one row per (month, area, category) of the configured
-- municipality, from the extract that wins it. Also the coverage list: a month is
-- covered when any row of it is here.
--
-- 1. Area: Område matched to the municipality's area names/aliases (case, accents,
--    whitespace ignored); no match or empty -> 'okant'. Category: id, name or alias.
-- 2. Within one file, rows with the same (month, area_id, category_id) are summed
--    (e.g. 'Valö' and 'Börstil' of the area Valö och Börstil). If any of them is `..`
--    the sum is unknown: reported_count null, suppressed true (never a partial sum).
-- 3. Across files, for every (month, area_id, category_id) the newest extract that has
--    a row for it wins. Newest = the extract whose latest month is latest (extracts
--    are rolling twelve-month windows; file names and mtimes are unreliable after a
--    copy or git clone); tie -> later loaded (_loaded_at); tie (same run, loaded in
--    file-name order) -> later file name. An extract is identified by its bytes
--    (file_sha256), so a file name reused for new content is a new extract.
with extract_rows as (
    select * from {{ ref('stg_police_local__reported_crimes') }}
),

municipality as (
    select kommun_code from {{ ref('stg_config__municipality') }}
),

area_keys as (
    select area_id, label_key
    from {{ ref('int_area_keys') }}
    where kommun_code in (select kommun_code from municipality)
),

category_keys as (
    select category_key, category_id from {{ ref('int_category_keys') }}
),

mapped as (
    select
        extract_rows.file_sha256,
        extract_rows.source_file,
        extract_rows.month,
        coalesce(area_keys.area_id, 'okant') as area_id,
        category_keys.category_id,
        extract_rows.reported_count,
        extract_rows.suppressed
    from extract_rows
    -- the loader rejects unknown categories, so the inner join drops nothing
    inner join category_keys
        on category_keys.category_key = {{ normalise_name('extract_rows.category_text') }}
    left join area_keys
        on area_keys.label_key = {{ normalise_name('extract_rows.area_text') }}
),

per_file as (
    select
        file_sha256,
        source_file,
        month,
        area_id,
        category_id,
        case when bool_or(suppressed) then null else sum(reported_count) end as reported_count,
        bool_or(suppressed) as suppressed,
        count(*) as source_rows
    from mapped
    group by file_sha256, source_file, month, area_id, category_id
),

extracts as (
    select
        file_sha256,
        max(source_file) as source_file,
        max(month) as latest_month,
        max(loaded_at) as loaded_at
    from extract_rows
    group by file_sha256
),

ranked_extracts as (
    select
        file_sha256,
        latest_month,
        row_number() over (
            order by latest_month desc, loaded_at desc, source_file desc, file_sha256 desc
        ) as recency_rank
    from extracts
),

winning as (
    select per_file.*, ranked_extracts.recency_rank
    from per_file
    inner join ranked_extracts using (file_sha256)
    qualify row_number() over (
        partition by per_file.month, per_file.area_id, per_file.category_id
        order by ranked_extracts.recency_rank
    ) = 1
)

select
    winning.month,
    {{ tertial_of('winning.month') }} as period,
    municipality.kommun_code,
    winning.area_id,
    winning.category_id,
    cast(winning.reported_count as bigint) as reported_count,
    winning.suppressed,
    winning.source_file,
    winning.file_sha256,
    cast(winning.source_rows as integer) as source_rows
from winning
cross join municipality
