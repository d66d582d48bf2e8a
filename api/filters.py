"""The pages' own filter sets (django-filter), used by the API as they are: each takes the place the
view resolved, so every choice list (organisations, groups, outcomes) is the place's own. An invalid
value is a 400 with django-filter's message for that field, never a silently wider list."""

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend


class PlaceFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        data = kwargs["data"].copy()
        for name, value in getattr(view, "filter_defaults", {}).items():
            data.setdefault(name, value)
        # The organisations directory's filter set has no place-bound choices: it takes no place.
        place = {"place": view.place} if getattr(view, "filterset_takes_place", True) else {}
        return {**kwargs, "data": data, **place, **view.filterset_extra_kwargs()}

    def validated_filterset(self, request, queryset, view):
        """The bound filter set, valid, for views that need more than its queryset (the gap
        analysis's horizon); an invalid one raises the same 400 as filter_queryset."""
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset
