"""Consensus definitions for Delphi statements, fixed before round 1.

A statement reaches consensus in one round when enough ratings fall in one band
(agree or disagree) and every optional criterion holds: few ratings in the opposite
band, a small interquartile range, the same verdict in every group, and stability since
the previous round.  Shares are of the ratings given (missing ratings are left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from ourplan.analysis.delphi.responses import check_scale
from ourplan.analysis.errors import AnalysisError

ConsensusStatus = Literal["agree", "disagree", "none"]
StabilityMethod = Literal["pct_change", "wilcoxon"]
STABILITY_METHODS: tuple[str, ...] = ("pct_change", "wilcoxon")

# Lowest rating counted as agreement when the caller does not say: the top two points of
# a 5-point scale, the top three of a 7-point scale and COMET's 7–9 on a 9-point scale.
DEFAULT_AGREE_MIN: dict[int, int] = {5: 4, 7: 5, 9: 7}
DEFAULT_THRESHOLD = 0.75
# Shares are ratios of small counts; compare with a tolerance so 7/10 counts as 70%.
SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class StabilityCriterion:
    """How to judge that a statement's ratings are stable between consecutive rounds.

    ``pct_change``: the share in the consensus band moved by at most ``max_change``
    (0.15 = 15 percentage points).  ``wilcoxon``: respondents who rated the statement in
    both rounds show no significant shift (paired Wilcoxon signed-rank, p ≥ ``alpha``).
    """

    method: StabilityMethod = "pct_change"
    max_change: float = 0.15
    alpha: float = 0.05

    def __post_init__(self) -> None:
        if self.method not in STABILITY_METHODS:
            raise AnalysisError(
                f"Unknown stability method {self.method!r}; use pct_change or wilcoxon."
            )
        if not 0.0 <= self.max_change <= 1.0:
            raise AnalysisError("The stability max_change is a share between 0 and 1.")
        if not 0.0 < self.alpha < 1.0:
            raise AnalysisError("The stability alpha must be between 0 and 1.")

    def describe(self) -> str:
        """One sentence for reports."""
        if self.method == "pct_change":
            return (
                "stable: the share in the consensus band changed by at most "
                f"{self.max_change * 100:g} percentage points since the previous round"
            )
        return (
            "stable: no significant shift since the previous round "
            f"(paired Wilcoxon signed-rank, p ≥ {self.alpha:g})"
        )


@dataclass(frozen=True)
class StabilityEvidence:
    """Change since the previous round for one statement (``None`` = not assessable)."""

    change_agree: float | None = None
    change_disagree: float | None = None
    wilcoxon_p: float | None = None
    n_pairs: int = 0


@dataclass(frozen=True)
class GroupShares:
    """One group's ratings of one statement in one round."""

    n: int
    pct_agree: float
    pct_disagree: float


@dataclass(frozen=True)
class ConsensusOutcome:
    """Verdict and which criteria held (``None`` = criterion not part of the definition)."""

    status: ConsensusStatus
    criteria: dict[str, bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsensusDefinition:
    """A consensus rule for an N-point rating scale (1 = strongly disagree).

    ``agree_min`` is the lowest rating counted as agreement and ``disagree_max`` the
    highest counted as disagreement (default: the mirror image of ``agree_min``).
    ``threshold`` is the share of ratings needed in a band (inclusive: ≥).
    ``max_opposite`` caps the share in the opposite band (exclusive: <), as in COMET.
    ``max_iqr`` caps the interquartile range (inclusive: ≤).  ``all_groups`` asks every
    group with ratings to pass the threshold and opposite-band rules too.
    """

    scale: int = 5
    agree_min: int | None = None
    disagree_max: int | None = None
    threshold: float = DEFAULT_THRESHOLD
    max_opposite: float | None = None
    max_iqr: float | None = None
    all_groups: bool = False
    stability: StabilityCriterion | None = None
    name: str = "custom"

    def __post_init__(self) -> None:
        scale = check_scale(self.scale)
        agree_min = self.agree_min
        if agree_min is None:
            if scale not in DEFAULT_AGREE_MIN:
                raise AnalysisError(
                    f"Give the lowest rating counted as agreement for a {scale}-point scale."
                )
            agree_min = DEFAULT_AGREE_MIN[scale]
        disagree_max = self.disagree_max
        if disagree_max is None:
            # Mirror image about the midpoint, kept below the agree band.
            disagree_max = min(scale + 1 - agree_min, agree_min - 1)
        # Frozen dataclass: fill the resolved defaults in once, here.
        object.__setattr__(self, "agree_min", int(agree_min))
        object.__setattr__(self, "disagree_max", int(disagree_max))
        if not 1 < agree_min <= scale:
            raise AnalysisError(
                f"The lowest agreeing rating must be between 2 and {scale}; got {agree_min}."
            )
        if not 1 <= disagree_max < agree_min:
            raise AnalysisError(
                f"The highest disagreeing rating ({disagree_max}) must be at least 1 and "
                f"below the lowest agreeing rating ({agree_min})."
            )
        # Above one half, agreement and disagreement cannot both reach the threshold.
        if not 0.5 < self.threshold <= 1.0:
            raise AnalysisError(
                f"The consensus threshold is a share above 0.5 and at most 1; got {self.threshold}."
            )
        if self.max_opposite is not None and not 0.0 < self.max_opposite <= 1.0:
            raise AnalysisError("The opposite-band limit is a share between 0 and 1.")
        if self.max_iqr is not None and self.max_iqr < 0:
            raise AnalysisError("The maximum interquartile range cannot be negative.")

    @classmethod
    def comet(cls, **overrides: Any) -> ConsensusDefinition:
        """COMET rule on a 1–9 scale: ≥70% rate 7–9 and <15% rate 1–3 (and vice versa)."""
        settings: dict[str, Any] = {
            "scale": 9,
            "agree_min": 7,
            "disagree_max": 3,
            "threshold": 0.70,
            "max_opposite": 0.15,
            "name": "COMET",
        }
        settings.update(overrides)
        return cls(**settings)

    @property
    def agree_band(self) -> tuple[int, int]:
        """Ratings counted as agreement (inclusive)."""
        return int(self.agree_min or 0), self.scale

    @property
    def disagree_band(self) -> tuple[int, int]:
        """Ratings counted as disagreement (inclusive)."""
        return 1, int(self.disagree_max or 0)

    def describe(self) -> str:
        """The definition as one plain sentence, for reports."""
        lo, hi = self.agree_band
        dlo, dhi = self.disagree_band
        parts = [
            f"Consensus ({self.name}, {self.scale}-point scale): at least "
            f"{self.threshold * 100:g}% of ratings in {lo}–{hi} (agree) or in {dlo}–{dhi} "
            "(disagree)"
        ]
        if self.max_opposite is not None:
            parts.append(f"fewer than {self.max_opposite * 100:g}% in the opposite band")
        if self.max_iqr is not None:
            parts.append(f"interquartile range at most {self.max_iqr:g}")
        if self.all_groups:
            parts.append("the same in every group")
        if self.stability is not None:
            parts.append(self.stability.describe())
        return "; ".join(parts) + "."

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON reports."""
        return {
            "name": self.name,
            "scale": self.scale,
            "agree_min": self.agree_min,
            "disagree_max": self.disagree_max,
            "threshold": self.threshold,
            "max_opposite": self.max_opposite,
            "max_iqr": self.max_iqr,
            "all_groups": self.all_groups,
            "stability": None
            if self.stability is None
            else {
                "method": self.stability.method,
                "max_change": self.stability.max_change,
                "alpha": self.stability.alpha,
            },
            "description": self.describe(),
        }

    def level(self, pct_agree: float, pct_disagree: float) -> ConsensusStatus:
        """Direction reached by the shares alone (threshold and opposite band)."""
        if self._passes(pct_agree, pct_disagree):
            return "agree"
        if self._passes(pct_disagree, pct_agree):
            return "disagree"
        return "none"

    def _passes(self, share: float, opposite: float) -> bool:
        if not share >= self.threshold - SHARE_TOLERANCE:
            return False
        return self.max_opposite is None or opposite < self.max_opposite - SHARE_TOLERANCE

    def is_stable(self, direction: ConsensusStatus, evidence: StabilityEvidence | None) -> bool:
        """Whether the stability criterion holds; False when it cannot be assessed."""
        criterion = self.stability
        if criterion is None:
            return True
        if evidence is None:
            return False
        if criterion.method == "pct_change":
            change = evidence.change_agree if direction == "agree" else evidence.change_disagree
            return change is not None and change <= criterion.max_change + SHARE_TOLERANCE
        return evidence.wilcoxon_p is not None and evidence.wilcoxon_p >= criterion.alpha

    def evaluate(
        self,
        *,
        n: int,
        pct_agree: float,
        pct_disagree: float,
        iqr: float | None = None,
        groups: Mapping[str, GroupShares] | None = None,
        stability: StabilityEvidence | None = None,
    ) -> ConsensusOutcome:
        """Verdict for one statement in one round."""
        if n <= 0:
            return ConsensusOutcome("none", {"level": False})
        direction = self.level(pct_agree, pct_disagree)
        criteria: dict[str, bool | None] = {"level": direction != "none"}
        # Judge the optional criteria against the direction the shares point to, or
        # against agreement when they point nowhere, so every criterion is reported.
        target: ConsensusStatus = direction if direction != "none" else "agree"
        criteria["iqr"] = (
            None
            if self.max_iqr is None
            else iqr is not None and iqr <= self.max_iqr + SHARE_TOLERANCE
        )
        if self.all_groups:
            rated = [g for g in (groups or {}).values() if g.n > 0]
            criteria["all_groups"] = bool(rated) and all(
                self.level(g.pct_agree, g.pct_disagree) == target for g in rated
            )
        else:
            criteria["all_groups"] = None
        criteria["stable"] = None if self.stability is None else self.is_stable(target, stability)
        reached = direction != "none" and all(v is not False for v in criteria.values())
        return ConsensusOutcome(direction if reached else "none", criteria)


def assess_statements(
    overall: pd.DataFrame,
    by_group: pd.DataFrame,
    definition: ConsensusDefinition,
    evidence: Mapping[tuple[str, int], StabilityEvidence],
) -> pd.DataFrame:
    """Consensus verdict for each statement and round of a summary.

    ``overall`` and ``by_group`` are the frames of
    :class:`~ourplan.analysis.delphi.summary.RatingSummary`; ``evidence`` maps
    ``(statement, round)`` to the change since the previous round.  Returns ``statement``,
    ``round``, ``consensus``, ``direction`` (what the shares alone say) and one
    ``criterion_*`` column per criterion (True, False, or None when not applied).
    """
    shares: dict[tuple[str, int], dict[str, GroupShares]] = {}
    for row in by_group.to_dict("records"):
        key = (str(row["statement"]), int(row["round"]))
        shares.setdefault(key, {})[str(row["group"])] = GroupShares(
            n=int(row["n"]),
            pct_agree=float(row["pct_agree"]),
            pct_disagree=float(row["pct_disagree"]),
        )
    records: list[dict[str, Any]] = []
    for row in overall.to_dict("records"):
        key = (str(row["statement"]), int(row["round"]))
        n = int(row["n"])
        pct_agree, pct_disagree = float(row["pct_agree"]), float(row["pct_disagree"])
        iqr = float(row["iqr"])
        outcome = definition.evaluate(
            n=n,
            pct_agree=pct_agree,
            pct_disagree=pct_disagree,
            iqr=iqr if iqr == iqr else None,  # NaN when nobody rated it
            groups=shares.get(key, {}),
            stability=evidence.get(key),
        )
        record: dict[str, Any] = {
            "statement": key[0],
            "round": key[1],
            "consensus": outcome.status,
            "direction": definition.level(pct_agree, pct_disagree) if n > 0 else "none",
        }
        for name in ("level", "iqr", "all_groups", "stable"):
            record[f"criterion_{name}"] = outcome.criteria.get(name)
        records.append(record)
    return pd.DataFrame(records)


__all__ = [
    "DEFAULT_AGREE_MIN",
    "ConsensusDefinition",
    "ConsensusOutcome",
    "ConsensusStatus",
    "GroupShares",
    "StabilityCriterion",
    "StabilityEvidence",
    "assess_statements",
]
