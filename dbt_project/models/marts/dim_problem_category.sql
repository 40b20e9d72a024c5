select category_id, name_sv, sort_order
from {{ ref('problem_categories') }}
