-- Municipality names as they occur in sources -> SCB code. Accepts the plain name,
-- "X kommun", the genitive "Xs kommun", listed variants, the configured municipalities'
-- names, and the 4-digit code itself (a shared extract's Kommun column may hold either).
-- Keys keep accents (Håbo and Habo are different municipalities); an accent-free
-- spelling ("Hoor" for Höör) is accepted only where it points to a single municipality.
with kommuner as (
    select kommun_code, kommun_name from {{ ref('kommuner') }}
),

spellings as (
    select kommun_code, kommun_name as spelling from kommuner
    union all
    select kommun_code, kommun_name || ' kommun' from kommuner
    union all
    select kommun_code, kommun_name || 's kommun' from kommuner
    union all
    select kommun_code, variant from {{ ref('kommun_name_variants') }}
    union all
    select kommun_code, kommun_name from {{ ref('stg_config__municipality') }}
    union all
    select kommun_code, kommun_code from kommuner
),

exact as (
    select distinct {{ casefold_name('spelling') }} as kommun_key, kommun_code from spellings
),

folded as (
    select {{ normalise_name('spelling') }} as kommun_key, min(kommun_code) as kommun_code
    from spellings
    group by 1
    having count(distinct kommun_code) = 1
)

select kommun_key, kommun_code from exact
union
select kommun_key, kommun_code from folded
where kommun_key not in (select kommun_key from exact)
