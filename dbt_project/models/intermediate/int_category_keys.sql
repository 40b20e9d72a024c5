-- Every spelling that names a category (its id, its Swedish name, each alias) as a
-- normalised key. Police event types are matched only against the rows flagged as such.
with categories as (
    select * from {{ ref('problem_categories') }}
),

aliases as (
    select * from {{ ref('category_aliases') }}
),

spellings as (
    select category_id, category_id as spelling, false as police_event_type from categories
    union all
    select category_id, name_sv, false from categories
    union all
    select category_id, alias, coalesce(police_event_type, false) from aliases
)

select
    {{ normalise_name('spelling') }} as category_key,
    category_id,
    bool_or(police_event_type) as police_event_type
from spellings
group by all
