{#- Tertials: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec; written 'YYYY-Tn'. -#}
{% macro tertial_of(date_expr) -%}
    (cast(year({{ date_expr }}) as varchar) || '-T' || cast((month({{ date_expr }}) - 1) // 4 + 1 as varchar))
{%- endmacro %}

{% macro tertial_start(period_expr) -%}
    make_date(cast(left({{ period_expr }}, 4) as integer), (cast(right({{ period_expr }}, 1) as integer) - 1) * 4 + 1, 1)
{%- endmacro %}
