-- Local police extracts: one row per (municipality, month, area, category) of the
-- configured municipalities, from the extract that wins it. Also the coverage list: a
-- month is covered for a municipality when any row of it is here.
--
-- 0. Municipality: stg_police_local__reported_crimes.kommun_code (the extract's Kommun
--    column, else the folder). Rows of a municipality outside the data dir stop here
--    (counted in int_rows_outside_data_dir).
-- 1. Area: Område matched to the municipality's area names/aliases (case, accents,
--    whitespace ignored); no match or empty -> the unknown area (var unknown_area_id).
--    Category: id, name or alias.
-- 2. Within one file, rows with the same (month, area_id, category_id) are summed
--    (e.g. 'Valö' and 'Börstil' of the area Valö och Börstil). If any of them is `..`
--    the sum is unknown: reported_count null, suppressed true (never a partial sum).
-- 3. Across files, for every (kommun_code, month) the newest extract that has any row
--    for the month owns it whole (DATA-CONTRACT §2.4): an older extract's rows for that
--    month are dropped, also for an (area, category) the newest one does not list (which
--    then counts 0). Newest = the extract whose latest month for the municipality is
--    latest (per municipality, so that a shared extract ranks the same as that
--    municipality's own rows would alone) (extracts are
--    rolling twelve-month windows; file names and mtimes are unreliable after a copy or
--    git clone); tie -> later loaded (_loaded_at); tie (same run, loaded in file-name
--    order) -> later file name; then file_sha256. An extract is identified by its bytes
--    (file_sha256), so a file name reused for new content is a new extract.
with extract_rows as (
    select * from {{ ref('stg_police_local__reported_crimes') }}
),

municipality as (
    select kommun_code from {{ ref('stg_config__municipality') }}
),

area_keys as (
    select kommun_code, area_id, label_key from {{ ref('int_area_keys') }}
),

category_keys as (
    select category_key, category_id from {{ ref('int_category_keys') }}
),

mapped as (
    select
        extract_rows.kommun_code,
        extract_rows.file_sha256,
        extract_rows.source_file,
        extract_rows.month,
        coalesce(area_keys.area_id, '{{ var("unknown_area_id") }}') as area_id,
        category_keys.category_id,
        extract_rows.reported_count,
        extract_rows.suppressed
    from extract_rows
    inner join municipality using (kommun_code)
    -- the loader rejects unknown categories, so the inner join drops nothing
    inner join category_keys
        on category_keys.category_key = {{ normalise_name('extract_rows.category_text') }}
    left join area_keys
        on area_keys.kommun_code = extract_rows.kommun_code
        and area_keys.label_key = {{ normalise_name('extract_rows.area_text') }}
),

per_file as (
    select
        kommun_code,
        file_sha256,
        source_file,
        month,
        area_id,
        category_id,
        case when bool_or(suppressed) then null else sum(reported_count) end as reported_count,
        bool_or(suppressed) as suppressed,
        count(*) as source_rows
    from mapped
    group by kommun_code, file_sha256, source_file, month, area_id, category_id
),

extracts as (
    select
        kommun_code,
        file_sha256,
        max(source_file) as source_file,
        max(month) as latest_month,
        max(loaded_at) as loaded_at
    from extract_rows
    group by kommun_code, file_sha256
),

ranked_extracts as (
    select
        kommun_code,
        file_sha256,
        row_number() over (
            partition by kommun_code
            order by latest_month desc, loaded_at desc, source_file desc, file_sha256 desc
        ) as recency_rank
    from extracts
),

-- The extract that owns each month: the newest one with any row for it.
month_owners as (
    select per_file.kommun_code, per_file.month, per_file.file_sha256
    from per_file
    inner join ranked_extracts using (kommun_code, file_sha256)
    qualify row_number() over (
        partition by per_file.kommun_code, per_file.month
        order by ranked_extracts.recency_rank
    ) = 1
),

winning as (
    select per_file.*
    from per_file
    inner join month_owners using (kommun_code, month, file_sha256)
)

select
    winning.month,
    {{ tertial_of('winning.month') }} as period,
    winning.kommun_code,
    winning.area_id,
    winning.category_id,
    cast(winning.reported_count as bigint) as reported_count,
    winning.suppressed,
    winning.source_file,
    winning.file_sha256,
    cast(winning.source_rows as integer) as source_rows
from winning
