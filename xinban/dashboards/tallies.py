"""The dashboards' summary rows (:class:`~xinban.dashboards.models.Tally`): how many
submitted applications each (campaign, recommending unit) has per state and "on a
recommendation list", overall and per team type, domain, nature and industry — so that
the dashboards read a few hundred rows instead of counting every application of every
year (docs/benchmarks.md, "Dashboards: summary rows").

A group's rows are recounted from scratch — the same aggregate the dashboards used to
run, limited to that (campaign, unit) — in the transaction that changes what they count:
receivers of ``post_save`` / ``post_delete`` on applications (their state, unit, team
type: :func:`xinban.applications.lifecycle.transition` saves the state), registrations
(domain, nature, industries; a registration made or deleted moves its campaign's count,
dimension ``registered``), recommendations and 附件5 reports (voiding one). Writes
that bypass the signals (``bulk_create``, ``QuerySet.update`` of those fields: the demo
and bench generators) call :func:`rebuild` afterwards; ``manage.py dashboard_tallies``
rebuilds (or ``--check``\\ s) them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from xinban.applications.models import Application
from xinban.core.loading import is_loading_rows
from xinban.dashboards import judge_tallies
from xinban.dashboards.models import Tally
from xinban.organisations.models import Registration
from xinban.recommendation.counts import NOT_APPLIED, on_list
from xinban.recommendation.models import Recommendation, UnitRecommendationReport

Group = tuple[int, int]  # (campaign_id, unit_id)
ALL_UNITS = 0  # the roll-up rows' unit
REGISTERED = "registered"  # the roll-up's rows of a campaign's registrations
DIMENSIONS = ("team_type", "domain", "nature", "industry")
# The application's fields a tally depends on (besides its registration and list).
KEY_FIELDS = frozenset(
    {
        "state",
        "campaign",
        "campaign_id",
        "recommending_unit",
        "recommending_unit_id",
        "team_type",
        "team_type_id",
        "organisation",
        "organisation_id",
    }
)
Key = tuple[int, int, str, int | None, str, bool]


def _registration_of(value: str) -> Subquery:
    """The application's own-year registration's ``value`` (domain_id, nature_id)."""
    return Subquery(
        Registration.objects.filter(
            organisation=OuterRef("organisation"), campaign=OuterRef("campaign")
        ).values(value)[:1]
    )


def _groups_q(groups: Iterable[Group] | None, prefix: str = "") -> Q:
    if groups is None:
        return Q()
    q = Q(pk__in=[])
    for campaign_id, unit_id in groups:
        q |= Q(**{prefix + "campaign_id": campaign_id, prefix + "recommending_unit_id": unit_id})
    return q


def count(groups: Iterable[Group] | None = None) -> Counter[Key]:
    """The tallies of ``groups`` (``None``: every group) counted from the applications:
    (campaign, unit, dimension, value, state, listed) → n."""
    groups = None if groups is None else list(groups)
    counted: QuerySet[Application] = Application.objects.filter(_groups_q(groups)).exclude(
        state__in=NOT_APPLIED
    )
    sums: Counter[Key] = Counter()
    for row in (
        counted.annotate(
            domain=_registration_of("domain_id"),
            nature=_registration_of("nature_id"),
            listed=on_list(),
        )
        .values(
            "campaign_id",
            "recommending_unit_id",
            "team_type_id",
            "domain",
            "nature",
            "state",
            "listed",
        )
        .annotate(n=Count("id"))
        .order_by()
    ):
        group = (row["campaign_id"], row["recommending_unit_id"])
        tail = (row["state"], bool(row["listed"]))
        for dimension, value in (
            ("", None),
            ("team_type", row["team_type_id"]),
            ("domain", row["domain"]),
            ("nature", row["nature"]),
        ):
            sums[(*group, dimension, value, *tail)] += row["n"]
    # An organisation may name several industries: its applications count in each.
    through = Registration.industries.through
    prefix = "registration__organisation__applications__"
    for joined in (
        through.objects.filter(
            **{
                prefix + "campaign": F("registration__campaign"),
                prefix + "id__in": counted.values("pk"),
            }
        )
        .values(
            "industry_id",
            campaign=F(prefix + "campaign_id"),
            unit=F(prefix + "recommending_unit_id"),
            state=F(prefix + "state"),
            listed=on_list(prefix + "id"),
        )
        .annotate(n=Count(prefix[:-2]))
        .order_by()
    ):
        key = (joined["campaign"], joined["unit"], "industry", joined["industry_id"])
        sums[(*key, joined["state"], bool(joined["listed"]))] += joined["n"]
    return sums


def registered(campaigns: Iterable[int] | None = None) -> Counter[Key]:
    """Each campaign's registrations (``None``: every campaign's), as rows of the roll-up
    (dimension ``registered``: the association's yearly comparison; narrowed by unit,
    a registration counts when it has an application there, which the dashboards count
    from the registrations themselves)."""
    rows = Registration.objects.all()
    if campaigns is not None:
        rows = rows.filter(campaign_id__in=list(campaigns))
    return Counter(
        {
            (campaign_id, ALL_UNITS, REGISTERED, None, "", False): n
            for campaign_id, n in rows.values_list("campaign_id").annotate(n=Count("id")).order_by()
        }
    )


def expected() -> Counter[Key]:
    """Every summary row as a count from scratch writes it: the units' rows, their
    roll-up and the registrations."""
    return with_rollups(count()) + registered()


def with_rollups(sums: Counter[Key]) -> Counter[Key]:
    """``sums`` and their roll-up over every unit (stored as unit 0: the association's
    dashboard reads a few hundred rows a year, not one per unit and value)."""
    result = Counter(sums)
    for (c, _u, d, v, s, listed), n in sums.items():
        result[(c, ALL_UNITS, d, v, s, listed)] += n
    return result


def stored(groups: Iterable[Group] | None = None) -> Counter[Key]:
    """The tallies of ``groups`` as stored (``None``: every row, roll-ups included)."""
    rows = Tally.objects.all()
    if groups is not None:
        q = Q(pk__in=[])
        for campaign_id, unit_id in groups:
            q |= Q(campaign_id=campaign_id, unit_id=unit_id)
        rows = rows.filter(q)
    result: Counter[Key] = Counter()
    for t in rows:
        result[(t.campaign_id, t.unit_id, t.dimension, t.value, t.state, t.listed)] += t.n
    return result


def _write(sums: Counter[Key]) -> None:
    Tally.objects.bulk_create(
        [
            Tally(
                campaign_id=c,
                unit_id=u,
                dimension=d,
                value=v,
                state=s,
                listed=listed,
                n=n,
            )
            for (c, u, d, v, s, listed), n in sums.items()
            if n
        ],
        batch_size=500,
    )


def refresh(groups: Iterable[Group]) -> None:
    """Recount ``groups`` (in the caller's transaction) and move their roll-ups by the
    difference."""
    groups = {g for g in groups if None not in g}
    if not groups:
        return
    with transaction.atomic():
        before = stored(groups)
        q = Q(pk__in=[])
        for campaign_id, unit_id in groups:
            q |= Q(campaign_id=campaign_id, unit_id=unit_id)
        Tally.objects.filter(q).delete()
        after = count(groups)
        _write(after)
        delta: Counter[Key] = Counter()
        for (c, _u, d, v, s, listed), n in after.items():
            delta[(c, ALL_UNITS, d, v, s, listed)] += n
        for (c, _u, d, v, s, listed), n in before.items():
            delta[(c, ALL_UNITS, d, v, s, listed)] -= n
        for (c, u, d, v, s, listed), n in delta.items():
            if not n:
                continue
            row = Tally.objects.filter(
                campaign_id=c, unit_id=u, dimension=d, value=v, state=s, listed=listed
            )
            pk = row.values_list("pk", flat=True).first()
            if pk is None:
                Tally.objects.create(
                    campaign_id=c, unit_id=u, dimension=d, value=v, state=s, listed=listed, n=n
                )
            else:
                Tally.objects.filter(pk=pk).update(n=F("n") + n)


def rebuild() -> int:
    """Every tally recounted from scratch; returns how many rows were written."""
    with transaction.atomic():
        Tally.objects.all().delete()
        sums = expected()
        _write(sums)
    return sum(1 for n in sums.values() if n)


def refresh_registered(campaigns: Iterable[int]) -> None:
    """Recount the registrations of ``campaigns`` (in the caller's transaction)."""
    campaigns = {c for c in campaigns if c is not None}
    if not campaigns:
        return
    with transaction.atomic():
        Tally.objects.filter(
            campaign_id__in=campaigns, unit_id=ALL_UNITS, dimension=REGISTERED
        ).delete()
        _write(registered(campaigns))


# --------------------------------------------------------------------------- receivers


_KEY_VALUES = ("campaign_id", "recommending_unit_id", "state", "team_type_id", "organisation_id")


def _application_before(sender: Any, instance: Application, **kwargs: Any) -> None:
    if is_loading_rows(bool(kwargs.get("raw"))):
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not KEY_FIELDS.intersection(fields):
        return
    before = None
    if instance.pk is not None:
        before = Application.objects.filter(pk=instance.pk).values_list(*_KEY_VALUES).first()
    instance._tally_before = before  # type: ignore[attr-defined]


def _counts(state: str) -> bool:
    return state not in NOT_APPLIED


def _application_saved(sender: Any, instance: Application, **kwargs: Any) -> None:
    if is_loading_rows(bool(kwargs.get("raw"))):
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not KEY_FIELDS.intersection(fields):
        return
    before = getattr(instance, "_tally_before", None)
    instance._tally_before = None  # type: ignore[attr-defined]
    after = tuple(getattr(instance, name) for name in _KEY_VALUES)
    if before == after:
        return
    if before is not None and before[1] != after[1]:  # another recommending unit
        judge_tallies.application_moved(instance.pk)
    groups = set()
    if before is not None and _counts(before[2]):
        groups.add((before[0], before[1]))
    if _counts(instance.state):
        groups.add((after[0], after[1]))
    refresh(groups)


def _application_deleted(sender: Any, instance: Application, **kwargs: Any) -> None:
    if is_loading_rows(bool(kwargs.get("raw"))):
        return
    if _counts(instance.state):
        refresh([(instance.campaign_id, instance.recommending_unit_id)])


def _groups_of(applications: QuerySet[Application]) -> set[Group]:
    return set(
        applications.exclude(state__in=NOT_APPLIED)
        .values_list("campaign_id", "recommending_unit_id")
        .distinct()
    )


def _registrations_changed(registrations: QuerySet[Registration]) -> None:
    pairs = list(registrations.values_list("organisation_id", "campaign_id"))
    if not pairs:
        return
    q = Q(pk__in=[])
    for organisation_id, campaign_id in pairs:
        q |= Q(organisation_id=organisation_id, campaign_id=campaign_id)
    refresh(_groups_of(Application.objects.filter(q)))


def _registration_saved(sender: Any, instance: Registration, **kwargs: Any) -> None:
    if is_loading_rows(bool(kwargs.get("raw"))):
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not {"domain", "domain_id", "nature", "nature_id"} & set(fields):
        return
    refresh(
        _groups_of(
            Application.objects.filter(
                organisation_id=instance.organisation_id, campaign_id=instance.campaign_id
            )
        )
    )


def _registration_counted(sender: Any, instance: Registration, **kwargs: Any) -> None:
    """A registration made or deleted: its campaign's count (``created`` is absent on a
    delete)."""
    if is_loading_rows(bool(kwargs.get("raw"))):
        return
    if kwargs.get("created", True):
        refresh_registered([instance.campaign_id])


def _industries_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if is_loading_rows(bool(kwargs.get("raw"))):
        return
    if isinstance(instance, Registration):
        if action in ("post_add", "post_remove", "post_clear"):
            _registrations_changed(Registration.objects.filter(pk=instance.pk))
        return
    # From the industry's side: the registrations named (on clear, all of its own).
    if action == "pre_clear":
        instance._tally_cleared = list(
            sender.objects.filter(industry=instance).values_list("registration_id", flat=True)
        )
        return
    if action == "post_clear":
        pks = getattr(instance, "_tally_cleared", [])
    elif action in ("post_add", "post_remove"):
        pks = list(kwargs.get("pk_set") or [])
    else:
        return
    _registrations_changed(Registration.objects.filter(pk__in=pks))


def _recommendation_changed(sender: Any, instance: Recommendation, **kwargs: Any) -> None:
    if is_loading_rows(bool(kwargs.get("raw"))):
        return
    refresh(_groups_of(Application.objects.filter(pk=instance.application_id)))


def _report_saved(sender: Any, instance: UnitRecommendationReport, **kwargs: Any) -> None:
    if is_loading_rows(bool(kwargs.get("raw"))):
        return
    fields = kwargs.get("update_fields")
    if fields is not None and "status" not in fields:
        return
    refresh(_groups_of(Application.objects.filter(recommendation__report=instance)))


def connect() -> None:
    """Called once by the app's ``ready()``."""
    uid = "xinban.dashboards.tallies"
    pre_save.connect(_application_before, sender=Application, dispatch_uid=uid + ".a0")
    post_save.connect(_application_saved, sender=Application, dispatch_uid=uid + ".a1")
    post_delete.connect(_application_deleted, sender=Application, dispatch_uid=uid + ".a2")
    post_save.connect(_registration_saved, sender=Registration, dispatch_uid=uid + ".r1")
    post_delete.connect(_registration_saved, sender=Registration, dispatch_uid=uid + ".r2")
    post_save.connect(_registration_counted, sender=Registration, dispatch_uid=uid + ".r3")
    post_delete.connect(_registration_counted, sender=Registration, dispatch_uid=uid + ".r4")
    m2m_changed.connect(
        _industries_changed, sender=Registration.industries.through, dispatch_uid=uid + ".i"
    )
    post_save.connect(_recommendation_changed, sender=Recommendation, dispatch_uid=uid + ".c1")
    post_delete.connect(_recommendation_changed, sender=Recommendation, dispatch_uid=uid + ".c2")
    post_save.connect(_report_saved, sender=UnitRecommendationReport, dispatch_uid=uid + ".p")
