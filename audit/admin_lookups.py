"""Admin changelists accept URL lookups on any field of their model (`?password__startswith=`,
`?body__contains=`): an oracle that reads hidden fields one character at a time. Lists of
personal data and secrets accept only the lookups of the filters they declare."""

class DeclaredLookupsOnlyMixin:
    """ModelAdmin mixin: a URL lookup must start with a field named in list_filter or
    date_hierarchy, or be the parameter of one of its SimpleListFilters."""

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        allowed = set()
        for entry in getattr(self, "list_filter", ()):
            name = entry[0] if isinstance(entry, (tuple, list)) else entry
            if isinstance(name, str):
                allowed.add(name.split("__")[0])
            elif getattr(name, "parameter_name", None):  # a SimpleListFilter
                allowed.add(name.parameter_name)
        if getattr(self, "date_hierarchy", None):
            allowed.add(self.date_hierarchy.split("__")[0])
        if lookup.split("__")[0] not in allowed:
            return False
        return super().lookup_allowed(lookup, value, request)
