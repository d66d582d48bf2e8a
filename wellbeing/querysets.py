from django.db import models


class PlaceScopedQuerySet(models.QuerySet):
    """For models with a `place` foreign key. Views reach rows only through `for_place`,
    with a place that wellbeing.access has already resolved for the person."""

    def for_place(self, place):
        return self.filter(place=place)
