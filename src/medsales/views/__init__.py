"""Everything that renders: text tables, explanations, messages, HTML, plots, the report.

Nothing below this layer imports it at module level; results reach it lazily for
``explain()`` and ``_repr_html_``.
"""
