-- Police events, one row per event id in the version that counts (the newest `datetime`,
-- int_police_event_versions), with municipality code, problem category, area and tertial.
-- Area: for events in a configured municipality, the area of that municipality whose
-- name or alias the summary names (earliest mention first, then the longest name);
-- otherwise the unknown area (var unknown_area_id, 'okant'). Events of a municipality
-- outside the data dir keep area_id null: they reach no indicator (counted in
-- int_rows_outside_data_dir).
with versions as (
    select * from {{ ref('int_police_event_versions') }}
),

kommun_keys as (
    select * from {{ ref('int_kommun_keys') }}
),

category_keys as (
    select * from {{ ref('int_category_keys') }} where police_event_type
),

municipality as (
    select kommun_code from {{ ref('stg_config__municipality') }}
),

area_labels as (
    select kommun_code, area_id, {{ word_key('label') }} as needle
    from {{ ref('stg_config__area_names') }}
),

-- Older versions stop here: nothing below sees them.
events as (
    select * from versions where version_rank = 1
),

coded as (
    select
        events.*,
        kommun_keys.kommun_code,
        category_keys.category_id,
        kommun_keys.kommun_code in (select kommun_code from municipality) as in_municipality
    from events
    left join kommun_keys
        on kommun_keys.kommun_key = {{ casefold_name('events.municipality_name') }}
    left join category_keys
        on category_keys.category_key = {{ normalise_name('events.event_type') }}
),

mentions as (
    select
        coded.event_id,
        area_labels.area_id,
        strpos({{ word_text('coded.summary') }}, ' ' || area_labels.needle || ' ') as mention_at,
        length(area_labels.needle) as needle_length
    from coded
    inner join area_labels
        on area_labels.kommun_code = coded.kommun_code
        and strpos({{ word_text('coded.summary') }}, ' ' || area_labels.needle || ' ') > 0
    where coded.in_municipality
),

first_mention as (
    select event_id, area_id
    from mentions
    qualify row_number() over (
        partition by event_id order by mention_at, needle_length desc, area_id
    ) = 1
)

select
    coded.event_id,
    coded.kommun_code,
    coded.municipality_name,
    case when coded.in_municipality then coalesce(first_mention.area_id, '{{ var("unknown_area_id") }}') end as area_id,
    coded.category_id,
    coded.event_type,
    coded.event_at,
    cast(coded.event_at as date) as event_date,
    {{ tertial_of('coded.event_at') }} as period,
    coded.published_at,
    coded.version_count,
    coded.event_title,
    coded.summary,
    coded.url,
    coded.source_file,
    coded.source_row
from coded
left join first_mention using (event_id)
