"""Synthetic Delphi panels with known structure, for the demo, tests and the benchmark.

Nothing here is real data.  A panel is drawn from a :class:`PanelSpec`:

1. Each group has a fixed number of respondents in round 1, and each respondent belongs
   to one planted *opinion cluster*; how many of each group fall in each cluster is
   fixed by the spec, so clusters cut across groups by design.
2. A cluster has a typical (latent) rating for every statement; a group can shift some
   statements up or down.  A respondent's round-1 rating is
   ``clip(round(cluster profile + group shift + e1), 1, N)`` with e1 ~ Normal(0, sd).
3. Round 2 keeps a fixed number of each group's respondents (chosen at random:
   attrition) and models the convergence a Delphi aims for: ``e2 = 0.6·e1 + e`` with
   e ~ Normal(0, 0.4·sd), so answers stay personal but spread less.
4. Each rating is blank with probability ``missing_rate``.

The demo study (:func:`demo_study`) uses the statements reported in the summary paper of
the source Delphi study on recovery and care coordination (rated on a 5-point scale),
its four stakeholder groups with the round-1 and final-round sizes it reports (29/25/19/9
and 9/10/2/9; the paper's first round was open-ended, here both rounds are rated), and
two planted clusters named after the paper's "medical–curative" and "personal–social"
orientations.  Profiles and group shifts are invented to echo the paper's direction of
agreement, not its data.  The seed is fixed, so the demo is the same on every machine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ourplan.analysis.delphi.responses import Statement
from ourplan.analysis.errors import AnalysisError

DEMO_SEED = 20140101
DEMO_RESPONSES_FILE = "delphi_demo_responses.csv"
DEMO_STATEMENTS_FILE = "delphi_demo_statements.csv"
CONVERGENCE = 0.6  # share of a respondent's round-1 deviation kept in round 2
ROUND2_FRESH_SD = 0.4  # fresh noise in round 2, as a share of noise_sd

CARE = "care coordination"
RECOVERY = "recovery"

# The statements as reported in the source study's summary paper (wording lightly
# normalised), with the two planted clusters' typical ratings on a 1–5 scale.
#                                                     medical-curative, personal-social
_DEMO_STATEMENTS: tuple[tuple[str, str, str, float, float], ...] = (
    ("CC01", CARE, "Service users should be active participants in care coordination.",
     4.2, 4.6),
    ("CC02", CARE, "Promoting recovery and working with service users towards mutually "
     "agreed goals is central to care coordination.", 4.0, 4.6),
    ("CC03", CARE, "Repeating assessments is a negative experience for everybody.", 3.6, 4.3),
    ("CC04", CARE, "Carers' and families' voices are not heard in the process of care "
     "coordination.", 2.6, 3.9),
    ("CC05", CARE, "Lack of time care coordinators are able to spend in face to face "
     "contact inhibits good care coordination.", 2.8, 4.5),
    ("CC06", CARE, "Lack of continuity among staff inhibits good care coordination.",
     3.2, 4.5),
    ("CC07", CARE, "Care coordination can be more recovery focussed if the goals are "
     "defined by the service user.", 3.2, 4.5),
    ("CC08", CARE, "All meetings with service users should be held in less formal "
     "settings.", 2.6, 3.9),
    ("CC09", CARE, "Care coordination can be more recovery focussed if service users have "
     "the opportunity to choose their care coordinators.", 2.2, 3.7),
    ("CC10", CARE, "Having knowledge of mental health issues is not essential to effective "
     "care coordination.", 1.7, 2.7),
    ("CC11", CARE, "The amount of paperwork (often repeated) the care coordinator has to "
     "complete leads to less effective care coordination.", 3.2, 4.3),
    ("CC12", CARE, "Care coordinators are there to support the service users' goals "
     "whether they agree with them or not.", 2.6, 4.1),
    ("RE01", RECOVERY, "Recovery is self-defined hope and personal meaning.", 3.2, 4.6),
    ("RE02", RECOVERY, "Strong support networks including family and friends increase "
     "recovery.", 4.3, 4.4),
    ("RE03", RECOVERY, "Taking part in activities and feeling part of things is important "
     "in increasing recovery.", 3.9, 4.6),
    ("RE04", RECOVERY, "Recovery can only be defined by the person, so they would tell you "
     "if they were in recovery.", 2.1, 4.5),
    ("RE05", RECOVERY, "Recovery is a return to functioning at a level experienced before "
     "the 'disorder'.", 4.3, 1.8),
    ("RE06", RECOVERY, "Recovery is increased personal control of your life.", 3.5, 4.7),
    ("RE07", RECOVERY, "Socialising with other people shows that someone is in recovery.",
     2.3, 3.7),
    ("RE08", RECOVERY, "Being in recovery would mean freedom from symptoms.", 3.9, 2.1),
)  # fmt: skip

SERVICE_USERS = "service users"
CARERS = "carers"
PROFESSIONALS = "professionals"
POLICY_MAKERS = "policy makers"
MEDICAL = "medical-curative"
PERSONAL = "personal-social"


@dataclass(frozen=True)
class PanelSpec:
    """Everything that defines a synthetic panel (see the module notes)."""

    statements: tuple[Statement, ...]
    # cluster → latent typical rating per statement, in statement order
    profiles: Mapping[str, Sequence[float]]
    # group → cluster → respondents in round 1
    membership: Mapping[str, Mapping[str, int]]
    # group → respondents kept in round 2 (absent = all kept); empty mapping = one round
    retained: Mapping[str, int] | None = None
    # group → statement id → shift of the latent rating
    group_shifts: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    # group → prefix of respondent ids (default: R)
    id_prefixes: Mapping[str, str] = field(default_factory=dict)
    scale: int = 5
    noise_sd: float = 0.7
    missing_rate: float = 0.02


@dataclass(frozen=True, eq=False)
class SyntheticPanel:
    """A generated panel: wide responses, statements and the planted truth.

    ``truth`` has one row per respondent: ``respondent_id``, ``group``, ``cluster`` and
    ``rounds`` (how many rounds they answered).
    """

    responses: pd.DataFrame
    statements: tuple[Statement, ...]
    truth: pd.DataFrame
    spec: PanelSpec
    seed: int


def generate_panel(spec: PanelSpec, seed: int) -> SyntheticPanel:
    """Draw a panel from ``spec`` with a seeded generator (same seed, same panel)."""
    rng = np.random.default_rng(seed)
    ids = [s.id for s in spec.statements]
    m = len(ids)
    for cluster, profile in spec.profiles.items():
        if len(profile) != m:
            raise AnalysisError(f"Cluster {cluster!r} needs one typical rating per statement.")
    rows: list[tuple[str, str, str]] = []
    for group, clusters in spec.membership.items():
        prefix = spec.id_prefixes.get(group, "R")
        for cluster, count in clusters.items():
            if cluster not in spec.profiles:
                raise AnalysisError(f"Cluster {cluster!r} has no profile.")
            rows.extend((group, cluster, prefix) for _ in range(count))
    # Shuffle so that respondent numbers say nothing about group or cluster.
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    counters: dict[str, int] = {}
    respondent_ids: list[str] = []
    for _, _, prefix in rows:
        counters[prefix] = counters.get(prefix, 0) + 1
        respondent_ids.append(f"{prefix}{counters[prefix]:04d}")
    groups = np.array([g for g, _, _ in rows], dtype=object)
    clusters_of = np.array([c for _, c, _ in rows], dtype=object)
    n = len(rows)

    mean = np.empty((n, m))
    for i, (group, cluster, _) in enumerate(rows):
        mean[i] = spec.profiles[cluster]
        shifts = spec.group_shifts.get(group, {})
        for j, sid in enumerate(ids):
            mean[i, j] += shifts.get(sid, 0.0)
    e1 = rng.normal(0.0, spec.noise_sd, size=(n, m))

    kept = np.ones(n, dtype=bool)
    if spec.retained is not None:
        kept[:] = False
        for group, count in spec.retained.items():
            members = np.flatnonzero(groups == group)
            if count > members.size:
                raise AnalysisError(f"Cannot keep {count} of {members.size} {group} in round 2.")
            kept[rng.choice(members, size=count, replace=False)] = True
    two_rounds = spec.retained is None or bool(spec.retained)
    e2 = CONVERGENCE * e1 + rng.normal(0.0, ROUND2_FRESH_SD * spec.noise_sd, size=(n, m))

    frames = [_round_frame(1, respondent_ids, groups, mean + e1, spec, rng, np.ones(n, bool))]
    if two_rounds:
        frames.append(_round_frame(2, respondent_ids, groups, mean + e2, spec, rng, kept))
    responses = pd.concat(frames, ignore_index=True)
    truth = pd.DataFrame(
        {
            "respondent_id": respondent_ids,
            "group": groups,
            "cluster": clusters_of,
            "rounds": np.where(kept & two_rounds, 2, 1),
        }
    )
    return SyntheticPanel(responses, spec.statements, truth, spec, seed)


def _round_frame(
    round_number: int,
    respondent_ids: Sequence[str],
    groups: np.ndarray,
    latent: np.ndarray,
    spec: PanelSpec,
    rng: np.random.Generator,
    rows: np.ndarray,
) -> pd.DataFrame:
    ratings = np.clip(np.rint(latent[rows]), 1, spec.scale)
    ratings[rng.random(ratings.shape) < spec.missing_rate] = np.nan
    frame = pd.DataFrame(
        {
            "respondent_id": np.asarray(respondent_ids, dtype=object)[rows],
            "group": groups[rows],
            "round": round_number,
        }
    )
    columns = {s.id: pd.array(ratings[:, j], dtype="Int64") for j, s in enumerate(spec.statements)}
    return pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)


def demo_spec() -> PanelSpec:
    """The demo study's specification (see the module notes)."""
    statements = tuple(Statement(sid, topic, text) for sid, topic, text, _, _ in _DEMO_STATEMENTS)
    return PanelSpec(
        statements=statements,
        profiles={
            MEDICAL: [row[3] for row in _DEMO_STATEMENTS],
            PERSONAL: [row[4] for row in _DEMO_STATEMENTS],
        },
        membership={
            SERVICE_USERS: {MEDICAL: 10, PERSONAL: 19},
            CARERS: {MEDICAL: 19, PERSONAL: 6},
            PROFESSIONALS: {MEDICAL: 8, PERSONAL: 11},
            POLICY_MAKERS: {MEDICAL: 3, PERSONAL: 6},
        },
        retained={SERVICE_USERS: 9, CARERS: 10, PROFESSIONALS: 2, POLICY_MAKERS: 9},
        group_shifts={
            # Echo the paper's group differences: carers doubt choosing a coordinator,
            # professionals doubt that face-to-face time and continuity are the problem.
            SERVICE_USERS: {"CC09": 0.7, "RE04": 0.4, "CC01": 0.3},
            CARERS: {"CC09": -0.9, "CC01": -0.6, "RE05": 0.6, "CC04": 0.5},
            PROFESSIONALS: {"CC05": -0.9, "CC06": -0.7, "CC04": -0.6, "CC02": -0.5},
            POLICY_MAKERS: {"CC05": -0.6, "CC02": -0.4, "CC04": -0.4},
        },
        id_prefixes={SERVICE_USERS: "SU", CARERS: "CA", PROFESSIONALS: "PR", POLICY_MAKERS: "PM"},
        scale=5,
        noise_sd=0.7,
        missing_rate=0.02,
    )


def demo_study(seed: int = DEMO_SEED) -> SyntheticPanel:
    """The demo study: the paper's statements, four groups, two rounds with attrition."""
    return generate_panel(demo_spec(), seed)


def random_spec(
    n_respondents: int,
    n_statements: int,
    *,
    n_clusters: int = 3,
    groups: Sequence[str] = (SERVICE_USERS, CARERS, PROFESSIONALS, POLICY_MAKERS),
    retention: float = 1.0,
    scale: int = 5,
    noise_sd: float = 0.8,
    missing_rate: float = 0.02,
    min_separation: float = 1.0,
    seed: int = 0,
) -> PanelSpec:
    """A large generic panel: random cluster profiles, members spread over groups.

    Profiles are drawn uniformly in [1.5, N − 0.5] and redrawn until every two clusters
    differ by at least ``min_separation`` rating points (root mean square over
    statements), so planted clusters are distinct.  Respondents are split evenly over
    groups and, within each group, evenly over clusters (remainders go to the first
    ones), so clusters cut across groups.
    """
    rng = np.random.default_rng(seed)
    statements = tuple(
        Statement(f"S{j + 1:03d}", "synthetic", f"Synthetic statement {j + 1}")
        for j in range(n_statements)
    )
    for _ in range(1000):
        drawn = rng.uniform(1.5, scale - 0.5, size=(n_clusters, n_statements)).round(2)
        gaps = [
            float(np.sqrt(np.mean((drawn[a] - drawn[b]) ** 2)))
            for a in range(n_clusters)
            for b in range(a + 1, n_clusters)
        ]
        if min(gaps, default=np.inf) >= min_separation:
            break
    else:
        raise AnalysisError("Could not draw cluster profiles that far apart; lower min_separation.")
    profiles = {f"cluster {c + 1}": drawn[c].tolist() for c in range(n_clusters)}
    membership: dict[str, dict[str, int]] = {}
    per_group = _split(n_respondents, len(groups))
    for group, size in zip(groups, per_group, strict=True):
        membership[group] = dict(zip(profiles, _split(size, n_clusters), strict=True))
    retained = {g: round(size * retention) for g, size in zip(groups, per_group, strict=True)}
    return PanelSpec(
        statements=statements,
        profiles=profiles,
        membership=membership,
        retained=retained,
        scale=scale,
        noise_sd=noise_sd,
        missing_rate=missing_rate,
    )


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def statements_frame(statements: Sequence[Statement]) -> pd.DataFrame:
    """Statements as a frame with the columns of STATEMENTS.csv."""
    return pd.DataFrame(
        {
            "id": [s.id for s in statements],
            "topic": [s.topic for s in statements],
            "text": [s.text for s in statements],
        }
    )


def write_panel(panel: SyntheticPanel, out_dir: str | Path) -> tuple[Path, Path]:
    """Write the responses and statements CSVs; return their paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    responses_path = folder / DEMO_RESPONSES_FILE
    statements_path = folder / DEMO_STATEMENTS_FILE
    panel.responses.to_csv(responses_path, index=False)
    statements_frame(panel.statements).to_csv(statements_path, index=False)
    return responses_path, statements_path


__all__ = [
    "DEMO_RESPONSES_FILE",
    "DEMO_SEED",
    "DEMO_STATEMENTS_FILE",
    "PanelSpec",
    "SyntheticPanel",
    "demo_spec",
    "demo_study",
    "generate_panel",
    "random_spec",
    "statements_frame",
    "write_panel",
]
