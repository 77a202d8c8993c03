from __future__ import annotations

from typing import Any

import rules

from xinban.core.roles import roles_of
from xinban.organisations.models import Organisation


@rules.predicate
def is_organisation_member(user: Any, organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.pk in roles_of(user).organisation_ids


@rules.predicate
def is_association_staff(user: Any) -> bool:
    return roles_of(user).is_staff


rules.add_perm("organisations.view_organisation", is_organisation_member | is_association_staff)
rules.add_perm("organisations.change_organisation", is_organisation_member)
# 全部报名: the staff list of every organisation's 附件2 registration (and its export).
rules.add_perm("organisations.view_registrations", is_association_staff)
