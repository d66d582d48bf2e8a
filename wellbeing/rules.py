"""Role predicates for each place permission, registered with django-rules from PERMISSION_ROLES."""

import rules

from wellbeing.access import PERMISSION_ROLES, role_in_place


def _has_one_of(roles):
    names = sorted(roles)

    @rules.predicate(name=f"has_role_{'_or_'.join(names)}")
    def predicate(user, place) -> bool:
        return place is not None and role_in_place(user, place) in roles

    return predicate


for _permission, _roles in PERMISSION_ROLES.items():
    rules.add_perm(_permission, _has_one_of(_roles))
