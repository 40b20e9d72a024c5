{#- The place of a month in its tertial, 1–4 (January and May are 1, April and December 4).
    Two tertials are compared over the places both cover (DATA-CONTRACT §4.1). -#}
{% macro month_of_tertial(date_expr) -%}
    ((month({{ date_expr }}) - 1) % 4 + 1)
{%- endmacro %}

{#- Trend wording of a value against an earlier one: 'upp', 'ned', or 'oförändrat' when the
    change is within ± var trend_steady_pct percent; from 0: 'upp' when the value is above
    0, else 'oförändrat'. Null when either is unknown. -#}
{% macro trend_direction(current, previous) -%}
    case
        when ({{ current }}) is null or ({{ previous }}) is null then null
        when ({{ previous }}) = 0 then case when ({{ current }}) > 0 then 'upp' else 'oförändrat' end
        when (({{ current }}) - ({{ previous }})) * 100.0 / ({{ previous }}) > {{ var('trend_steady_pct') }} then 'upp'
        when (({{ current }}) - ({{ previous }})) * 100.0 / ({{ previous }}) < -{{ var('trend_steady_pct') }} then 'ned'
        else 'oförändrat'
    end
{%- endmacro %}

{#- The sum of a count over its parts (categories, areas, months, municipalities), unknown when
    one part is unknown (`..` at source, a hidden cell): a partial sum would read as a total.
    An aggregate: use it in a grouped select. -#}
{% macro sum_if_all_known(expr) -%}
    case when count({{ expr }}) = count(*) then sum({{ expr }}) end
{%- endmacro %}
