"""{% fragment "name" [value …] %}…{% endfragment %}: a part of a page that is the same for
every visitor, rendered once per process and language and kept in memory.

The page chrome (links in <head>, brand, footer, the language buttons) and the home page's
list of services cost ~0.5 ms of template rendering on every page (static and url tags,
translations) and never change while the process runs. The kept HTML is keyed
by the template, the fragment's name, the active language, the URL prefix and the values
given after the name (say, whether the visitor is logged in): put nothing personal and
nothing per request inside (no csrf_token, no user name, no form). Not kept with DEBUG on
(templates are edited then); forgotten when a setting changes (tests).
"""
import threading

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# A handful per template, times languages, times a flag or two; and one per office and
# facility listed by the look-ups (~1,000 per language). The bound only guards against a
# value that was not meant to vary.
MAX_KEPT = 8192
_kept: dict = {}
_lock = threading.Lock()


def forget_fragments(**_kwargs) -> None:
    with _lock:
        _kept.clear()


setting_changed.connect(forget_fragments, dispatch_uid="vssid_portal.portal_fragments")


_RENDER_KEY = "portal_fragments.key"


class FragmentNode(template.Node):
    # Not walked by {% extends %} looking for blocks (it walks the whole parent template on
    # every render): a fragment holds no {% block %}, which would be kept as first rendered.
    child_nodelists = ()

    def __init__(self, name: str, vary_on: list, nodelist) -> None:
        self.name = name
        self.vary_on = vary_on
        self.nodelist = nodelist

    def render(self, context) -> str:
        if settings.DEBUG:
            return self.nodelist.render(context)
        # The URL prefix and URLconf, worked out once per rendering (the language per
        # fragment: {% language %} may change it within a page).
        urls = context.render_context.get(_RENDER_KEY)
        if urls is None:
            urls = context.render_context[_RENDER_KEY] = (get_script_prefix(), get_urlconf())
        key = (self.origin.name if self.origin else None, self.name, get_language(), *urls,
               *(str(value.resolve(context)) for value in self.vary_on))
        html = _kept.get(key)
        if html is None:
            html = self.nodelist.render(context)
            with _lock:
                if len(_kept) >= MAX_KEPT:
                    _kept.clear()
                _kept[key] = html
        return mark_safe(html)


@register.tag("fragment")
def do_fragment(parser, token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'fragment' needs a name: {% fragment \"head\" %}")
    name = bits[1].strip("\"'")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("A {% fragment %} cannot hold a {% block %}.")
    return FragmentNode(name, [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
