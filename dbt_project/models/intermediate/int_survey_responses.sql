-- One row per survey response id, taken from the newest export that contains it
-- (survey tools export cumulatively, DATA-CONTRACT §2.3), with municipality, area and
-- tertial. A response id is unique only within its municipality (the folder that held
-- the export): two municipalities' survey tools may number alike. "Newest export" is decided from the data, not from file names or times:
-- the export whose latest submission time is latest; on a tie the one loaded later;
-- then the later file name (files of one run are loaded in name order).
with answers as (
    select * from {{ ref('stg_surveys__responses') }}
),

exports as (
    select
        kommun_code,
        file_sha256,
        max(submitted_at) as latest_submission,
        max(loaded_at) as loaded_at,
        max(source_file) as source_file
    from answers
    group by kommun_code, file_sha256
),

responses as (
    select distinct
        kommun_code, response_id, file_sha256, submitted_at, area_name, sector, source_file, source_row
    from answers
),

ranked as (
    select
        responses.*,
        count(*) over (partition by responses.kommun_code, responses.response_id) as export_count
    from responses
    inner join exports using (kommun_code, file_sha256)
    qualify row_number() over (
        partition by responses.kommun_code, responses.response_id
        order by exports.latest_submission desc, exports.loaded_at desc,
                 exports.source_file desc, exports.file_sha256 desc
    ) = 1
),

municipality as (
    select kommun_code from {{ ref('stg_config__municipality') }}
),

area_keys as (
    select * from {{ ref('int_area_keys') }}
)

select
    ranked.response_id,
    ranked.kommun_code,
    coalesce(area_keys.area_id, '{{ var("unknown_area_id") }}') as area_id,
    ranked.area_name,
    ranked.sector,
    ranked.submitted_at,
    {{ tertial_of('ranked.submitted_at') }} as period,
    ranked.file_sha256,
    ranked.source_file,
    ranked.source_row,
    ranked.export_count
from ranked
inner join municipality using (kommun_code)
left join area_keys
    on area_keys.kommun_code = ranked.kommun_code
    and area_keys.label_key = {{ normalise_name('ranked.area_name') }}
