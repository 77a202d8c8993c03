"""The assignment's plain, immutable data (experts, applications, the result) and the
default preferences: domain match, industry overlap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: Experts per application unless the caller says otherwise.
DEFAULT_K = 3

#: ``(expert_id, application_id)`` — the orientation of ``conflicts``, ``fixed`` and pairs.
Pair = tuple[int, int]
#: Scores a pair: a non-negative int, larger is better.
Preference = Callable[["Expert", "Application"], int]


@dataclass(frozen=True, slots=True)
class Expert:
    """A member of the association's expert panel. ``capacity`` is the declared maximum
    number of applications (``None``: no declared limit)."""

    id: int
    domains: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    capacity: int | None = None

    def __post_init__(self) -> None:
        if self.capacity is not None and self.capacity < 0:
            raise ValueError(f"expert {self.id}: capacity must not be negative")


@dataclass(frozen=True, slots=True)
class Application:
    """An application to be reviewed: its domain (one of the five) and its industries."""

    id: int
    domain: str
    industries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AssignmentResult:
    """The outcome of :func:`assign` (or :func:`greedy_baseline`).

    ``pairs`` holds ``(expert_id, application_id)``, fixed pairs included. ``uncovered``
    maps each application that has fewer than ``k`` experts to the reason; ``loads`` has
    every expert of the panel (0 when unassigned); ``rejected_fixed`` maps each fixed pair
    that could not be kept to the reason.
    """

    pairs: frozenset[Pair]
    uncovered: Mapping[int, str]
    k: int
    loads: Mapping[int, int]
    preference_score: int
    industry_score: int
    rejected_fixed: Mapping[Pair, str] = field(default_factory=dict)
    capacities: Mapping[int, int | None] = field(default_factory=dict)
    method: str = "min-cost flow"

    @property
    def spread(self) -> int:
        """Maximum load minus minimum load over all experts (0 for an empty panel)."""
        if not self.loads:
            return 0
        return max(self.loads.values()) - min(self.loads.values())

    @property
    def capped(self) -> frozenset[int]:
        """Experts whose load equals their declared capacity."""
        return frozenset(e for e, load in self.loads.items() if self.capacities.get(e) == load)

    @property
    def free_spread(self) -> int:
        """Maximum load minus the minimum over the experts *below* their declared capacity:
        the part of the spread that capacities do not explain."""
        if not self.loads:
            return 0
        capped = self.capped
        free = [load for e, load in self.loads.items() if e not in capped]
        return max(self.loads.values()) - min(free) if free else 0

    def experts_for(self, application_id: int) -> tuple[int, ...]:
        """The experts assigned to one application, by id."""
        return tuple(sorted(e for e, a in self.pairs if a == application_id))

    def applications_for(self, expert_id: int) -> tuple[int, ...]:
        """The applications assigned to one expert, by id."""
        return tuple(sorted(a for e, a in self.pairs if e == expert_id))

    @property
    def by_application(self) -> dict[int, tuple[int, ...]]:
        """Application id → its experts' ids (only applications with at least one)."""
        grouped: dict[int, list[int]] = {}
        for e, a in self.pairs:
            grouped.setdefault(a, []).append(e)
        return {a: tuple(sorted(es)) for a, es in grouped.items()}


# --------------------------------------------------------------------------- helpers


def domain_match(expert: Expert, application: Application) -> bool:
    """Whether the application's domain is among the expert's domains."""
    return application.domain in expert.domains


def industry_overlap(expert: Expert, application: Application) -> bool:
    """Whether the expert and the application share an industry."""
    return not expert.industries.isdisjoint(application.industries)


def explain_exclusion(
    expert: Expert | int, application: Application | int, conflicts: Mapping[Pair, str]
) -> str | None:
    """Why this pair can never be assigned (the conflict's reason), or ``None``."""
    e = expert.id if isinstance(expert, Expert) else expert
    a = application.id if isinstance(application, Application) else application
    return conflicts.get((e, a))
