{#- The contract's matching key for areas and categories:
    case, accents and surrounding/repeated whitespace ignored ("ÖREGRUND " = "öregrund"). -#}
{% macro normalise_name(expr) -%}
    trim(regexp_replace(strip_accents(lower({{ expr }})), '\s+', ' ', 'g'))
{%- endmacro %}

{#- Case and whitespace ignored, accents kept: municipality names need them (Håbo ≠ Habo). -#}
{% macro casefold_name(expr) -%}
    trim(regexp_replace(lower({{ expr }}), '\s+', ' ', 'g'))
{%- endmacro %}

{#- Free text reduced to words (accents, case and punctuation gone) and padded with
    spaces, so that ' ' || word_key(name) || ' ' finds whole words and phrases only. -#}
{% macro word_text(expr) -%}
    (' ' || {{ word_key(expr) }} || ' ')
{%- endmacro %}

{% macro word_key(expr) -%}
    trim(regexp_replace(strip_accents(lower({{ expr }})), '[^a-z0-9]+', ' ', 'g'))
{%- endmacro %}
