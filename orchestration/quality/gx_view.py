"""The page view GX renders Data Docs with, made inert for values that come from the data.

GX (1.x) HTML-escapes the parameters of its string templates, but a table cell
that is a bare string (the unexpected values of an expectation, the observed
value, a sample of a column) goes into the page as raw HTML: an HSA-id
delivered as `<img src=x onerror=alert(1)>` became a live element of the
validation page. Renderer-made markup never comes as a bare string (it comes
as a content block with a template), so every bare string is escaped here.

Wired in by gx_bridge.GxSession (the site's `view` for suites and validations).
"""
from __future__ import annotations

import html

from jinja2 import pass_context
from great_expectations.render.view import DefaultJinjaPageView


def _inert(value):
    return html.escape(value, quote=True) if isinstance(value, str) else value


class InertJinjaPageView(DefaultJinjaPageView):
    @pass_context  # as GX's own: jinja hands the filter its context first
    def render_content_block(self, jinja_context, content_block, index=None, content_block_id=None,
                             render_to_markdown=False):
        if not render_to_markdown:
            if isinstance(content_block, str):
                return _inert(content_block)
            if isinstance(content_block, list):
                # GX wraps each plain item of a list in <span>{item}</span> without escaping it.
                content_block = [_inert(c) for c in content_block]
        return super().render_content_block(jinja_context, content_block, index=index,
                                            content_block_id=content_block_id,
                                            render_to_markdown=render_to_markdown)
