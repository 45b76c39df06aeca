"""The officer's Markdown as safe HTML for the konkurransegrunnlag (the preview and the PDF).

markdown-it-py parses CommonMark (with tables) and never passes raw HTML through: typed markup
comes out as text. nh3 (the Ammonia sanitiser) then keeps only the tags and attributes a
document needs and only http, https and mailto links, so no script, event handler, style,
image or javascript: link can reach a page or the PDF, whatever the parser lets by.

Headings move down two levels: a section of the document is an h2, so the officer's "#" is an
h3 inside it, and "######" stays an h6.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
HEADING_SHIFT = 2
MAX_LENGTH = 20_000


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    parser.add_render_rule("image", _image_as_text)
    return parser


def _image_as_text(renderer, tokens, index, options, env) -> str:
    """A document fetches nothing: an image is shown as its description, not as a picture
    and not as a link to one."""
    token = tokens[index]
    return escapeHtml(renderer.renderInlineAsText(token.children or [], options, env))


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + HEADING_SHIFT)
            token.tag = f"h{level}"


def sanitise(html: str) -> str:
    """Only the allowed tags, attributes and link schemes; everything else is removed."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS),
                     attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer",
                     strip_comments=True)


def render_markdown(text: str | None) -> Markup:
    """Markdown as sanitised HTML, ready for a template."""
    if not text or not text.strip():
        return Markup("")
    parser = _parser()
    tokens = parser.parse(text)
    _shift_headings(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    return Markup(sanitise(html))  # noqa: S704 (sanitised by nh3 just above)
