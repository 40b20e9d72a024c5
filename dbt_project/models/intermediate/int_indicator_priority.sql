-- Priority of every (area, category) within its tertial, from the sources side by side.
--
-- 1. Each source's signal: police_reported_count, police_event_count,
--    partner_report_count, and for the survey the lower 95 % Wilson bound of the
--    problem share (a share from few answers counts for less than the same share
--    from many). Counts, not rates per 1 000: a rate in an area of 250 inhabitants
--    jumps with one incident.
-- 2. Normalised within the tertial: signal / the largest signal of that source among
--    the municipality's areas in the tertial (0–1; 1 = where that source sees most).
-- 3. Score = the weighted mean of the normalised signals over the sources that are known
--    for the row (weights: var priority_weights). 0–1. A source is unknown for a row when
--    it has no data in the tertial at all (no survey in the summer), when its count is
--    unknown there (a `..` month of the police extract), or when the survey has no
--    respondents for the area and category: unknown is skipped, never counted as 0.
-- 4. Triangulation: how many of the three independent kinds of source - police
--    (reported crimes or events), partners, residents (survey) - have a normalised
--    signal of at least var triangulation_threshold here.
-- 5. Rank 1 = highest score within the tertial; equal scores -> more sources pointing
--    first; still equal -> the same rank.
-- The unknown area (var unknown_area_id) is not a place one can act on: not normalised
-- against, not ranked (score and rank null).
{%- set w = var('priority_weights') %}
with counts as (
    select * from {{ ref('int_indicator_counts') }}
),

signals as (
    select
        period,
        kommun_code,
        area_id,
        category_id,
        cast(police_reported_count as double) as police_reported,
        cast(police_event_count as double) as police_events,
        cast(partner_report_count as double) as partner_reports,
        {{ wilson_bound('cast(survey_problem_count as double)', 'survey_respondents', 'low') }} as survey
    from counts
    where area_id <> '{{ var("unknown_area_id") }}'
),

maxima as (
    select
        period,
        kommun_code,
        nullif(max(police_reported), 0) as max_police_reported,
        nullif(max(police_events), 0) as max_police_events,
        nullif(max(partner_reports), 0) as max_partner_reports,
        nullif(max(survey), 0) as max_survey
    from signals
    group by all
),

normalised as (
    select
        signals.period,
        signals.kommun_code,
        signals.area_id,
        signals.category_id,
        -- null (skipped) when the source has no data in the tertial or the signal is unknown
        -- here; a signal of 0 where the source has data is a known 0
        police_reported / max_police_reported as police_reported_norm,
        police_events / max_police_events as police_events_norm,
        partner_reports / max_partner_reports as partner_reports_norm,
        survey / max_survey as survey_norm
    from signals
    inner join maxima using (period, kommun_code)
),

scored as (
    select
        *,
        (
            {{ w.police_reported }} * coalesce(police_reported_norm, 0)
            + {{ w.police_events }} * coalesce(police_events_norm, 0)
            + {{ w.partner_reports }} * coalesce(partner_reports_norm, 0)
            + {{ w.survey }} * coalesce(survey_norm, 0)
        ) / nullif(
            {{ w.police_reported }} * (police_reported_norm is not null)::int
            + {{ w.police_events }} * (police_events_norm is not null)::int
            + {{ w.partner_reports }} * (partner_reports_norm is not null)::int
            + {{ w.survey }} * (survey_norm is not null)::int,
            0
        ) as priority_score,
        (coalesce(greatest(police_reported_norm, police_events_norm), 0) >= {{ var('triangulation_threshold') }})::int
        + (coalesce(partner_reports_norm, 0) >= {{ var('triangulation_threshold') }})::int
        + (coalesce(survey_norm, 0) >= {{ var('triangulation_threshold') }})::int
            as triangulation_count
    from normalised
)

select
    period,
    kommun_code,
    area_id,
    category_id,
    cast(police_reported_norm as double) as police_reported_norm,
    cast(police_events_norm as double) as police_events_norm,
    cast(partner_reports_norm as double) as partner_reports_norm,
    cast(survey_norm as double) as survey_norm,
    cast(priority_score as double) as priority_score,
    cast(triangulation_count as integer) as triangulation_count,
    cast(case when priority_score is not null then rank() over (
        partition by period, kommun_code, priority_score is null
        order by priority_score desc, triangulation_count desc
    ) end as integer) as priority_rank
from scored
