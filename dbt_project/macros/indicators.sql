{#- The same tertial `years` years earlier: shift_years("'2025-T2'", 1) = '2024-T2'. -#}
{% macro shift_years(period_expr, years_expr) -%}
    (cast(cast(left({{ period_expr }}, 4) as integer) - ({{ years_expr }}) as varchar) || right({{ period_expr }}, 3))
{%- endmacro %}
