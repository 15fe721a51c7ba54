"""A synthetic six-site survey for trying the evaluation report: invented people, fixed seed.

Six fictional sites (four in England, two in Wales), about 100 respondents each, answer
three questionnaires built to *behave like* the measures used in cross-site evaluations of
recovery-focused care.  Items are identifiers only (``RSA_01`` …); no item wording exists,
and the item-to-subscale mapping below is illustrative, not any published scoring key.

* ``RSA_01``–``RSA_36``: recovery-oriented practice, 1–5, five subscales.
* ``REL_01``–``REL_12``: therapeutic relationship, 0–4; positive collaboration (6 items),
  positive clinician input (3) and non-supportive clinician input (3).  The non-supportive
  items are stored as answered (higher = *more* non-supportive) and are reverse-keyed by
  the report config, so that a higher subscale score always means a better relationship.
* ``EMP_01``–``EMP_28``: empowerment, 1–4, five subscales.
* Covariates: ``age`` (years), ``gender``, ``ethnicity`` and ``years_in_services``.

Planted effects (latent units are respondent standard deviations):

1. Relationship differs between sites: Site B (Wales) highest (+0.45), Site F (England)
   lowest (−0.45); the others lie between.
2. Older respondents rate the relationship higher (+0.25 SD per 10 years), and Site E
   (England) has the oldest respondents (mean 55), so part of Site E's unadjusted lead is
   case mix that the age-adjusted analysis (ANCOVA) removes.
3. Within every site, recovery-oriented practice tracks the relationship (latent
   correlation 0.6), while site means of the recovery scale differ only a little, except
   the choice subscale, where Site D (England) is lower (−0.5).
4. Empowerment is only weakly related to recovery-oriented practice (0.2) and does not
   differ between sites; longer time in services lowers it slightly.
5. About 3% of answers are missing at random; 2% of respondents skipped the empowerment
   questionnaire; 2% stopped after the first eight recovery items, so their recovery total
   falls below the 50% answered rule; a few covariates are missing.
6. Each site has small item-level differences, so the five highest-rated items vary.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEMO_SEED = 20140601
DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_CSV = DATA_DIR / "demo_six_sites.csv"
SHIPPED_CONFIG = DATA_DIR / "demo_report.yaml"
CSV_NAME = "demo_six_sites.csv"
CONFIG_NAME = "report.yaml"


@dataclass(frozen=True)
class DemoSite:
    """A fictional site and the effects planted in it."""

    name: str
    n: int
    relationship: float
    recovery: float
    choice: float
    mean_age: float
    share_white: float


SITES: tuple[DemoSite, ...] = (
    DemoSite("Site A (England)", 104, 0.00, 0.05, 0.0, 43.0, 0.70),
    DemoSite("Site B (Wales)", 98, 0.45, 0.10, 0.0, 41.0, 0.92),
    DemoSite("Site C (Wales)", 101, -0.10, -0.05, 0.0, 44.0, 0.93),
    DemoSite("Site D (England)", 95, -0.15, 0.00, -0.5, 45.0, 0.85),
    DemoSite("Site E (England)", 107, 0.10, 0.00, 0.0, 55.0, 0.88),
    DemoSite("Site F (England)", 96, -0.45, -0.10, 0.0, 42.0, 0.78),
)

RSA_SUBSCALES: dict[str, tuple[int, int]] = {
    "Life goals": (1, 10),
    "Involvement": (11, 17),
    "Diversity of treatment options": (18, 23),
    "Choice": (24, 30),
    "Individually tailored services": (31, 36),
}
REL_SUBSCALES: dict[str, tuple[int, int]] = {
    "Positive collaboration": (1, 6),
    "Positive clinician input": (7, 9),
    "Non-supportive clinician input": (10, 12),
}
EMP_SUBSCALES: dict[str, tuple[int, int]] = {
    "Self-esteem and self-efficacy": (1, 9),
    "Power and powerlessness": (10, 16),
    "Community activism and autonomy": (17, 21),
    "Optimism and control over the future": (22, 25),
    "Righteous anger": (26, 28),
}

AGE_EFFECT_PER_YEAR = 0.025
MISSING_ANSWER_SHARE = 0.03
GENDERS = ("Woman", "Man", "Non-binary")
ETHNIC_GROUPS_OTHER = ("Asian", "Black", "Mixed", "Other")


def item_ids(prefix: str, count: int) -> list[str]:
    """``prefix_01`` … ``prefix_count``."""
    return [f"{prefix}_{i:02d}" for i in range(1, count + 1)]


def subscale_items(prefix: str, subscales: dict[str, tuple[int, int]]) -> dict[str, list[str]]:
    """Subscale name → its item ids, from inclusive item-number ranges."""
    return {
        name: [f"{prefix}_{i:02d}" for i in range(first, last + 1)]
        for name, (first, last) in subscales.items()
    }


def _blank_some(labels: np.ndarray, blank: np.ndarray) -> list[str | None]:
    return [None if b else str(v) for v, b in zip(labels, blank, strict=True)]


def _centred(values: np.ndarray) -> np.ndarray:
    return values - values.mean()


def _answers(
    rng: np.random.Generator,
    latent: np.ndarray,
    item_means: np.ndarray,
    low: int,
    high: int,
    loading: float,
    spread: float,
) -> np.ndarray:
    """Round ``mean + spread·(loading·latent + noise)`` onto the integer scale."""
    noise = rng.standard_normal(latent.shape)
    raw = item_means + spread * (loading * latent + np.sqrt(1 - loading**2) * noise)
    return np.clip(np.rint(raw), low, high)


def demo_frame(seed: int = DEMO_SEED) -> pd.DataFrame:
    """Generate the demo survey: one row per respondent, blank cells for missing answers."""
    rng = np.random.default_rng(seed)
    n_rsa, n_rel, n_emp = 36, 12, 28
    # Item difficulty, shared by all sites, then a small site-by-item deviation.
    rsa_means = rng.uniform(2.9, 4.0, n_rsa)
    rel_means = np.r_[rng.uniform(2.4, 3.1, 9), rng.uniform(0.8, 1.3, 3)]
    emp_means = rng.uniform(2.3, 3.0, n_emp)
    frames = []
    start = 1
    for site in SITES:
        n = site.n
        age = np.clip(np.rint(rng.normal(site.mean_age, 12.0, n)), 18, 85)
        years = np.clip(np.rint(rng.gamma(2.0, 2.0 + (age - 18) / 12.0)), 0, age - 16)
        gender = rng.choice(GENDERS, size=n, p=[0.52, 0.45, 0.03])
        other = rng.choice(ETHNIC_GROUPS_OTHER, size=n, p=[0.4, 0.3, 0.2, 0.1])
        ethnicity = np.where(rng.random(n) < site.share_white, "White", other)

        # Latent traits: the relationship drives recovery within sites (planted r = 0.6).
        # Centring the draws within the site makes each site's latent mean exactly the
        # planted effect, so sampling luck cannot invent or hide a site difference.
        rel_own = _centred(rng.standard_normal(n))
        relationship = site.relationship + AGE_EFFECT_PER_YEAR * (age - 45.0) + rel_own
        recovery = site.recovery + 0.6 * rel_own + 0.8 * _centred(rng.standard_normal(n))
        empowerment = (
            0.2 * recovery + 0.96 * _centred(rng.standard_normal(n)) - 0.015 * (years - 8.0)
        )
        rsa_latent = np.repeat(recovery[:, None], n_rsa, axis=1)
        first, last = RSA_SUBSCALES["Choice"]
        rsa_latent[:, first - 1 : last] += site.choice
        rsa_site = rsa_means + rng.normal(0.0, 0.12, n_rsa)
        rsa = _answers(rng, rsa_latent, rsa_site, 1, 5, 0.72, 0.95)

        rel_latent = np.repeat(relationship[:, None], n_rel, axis=1)
        rel_latent[:, 9:] *= -1.0  # non-supportive items run against the relationship
        rel_site = rel_means + rng.normal(0.0, 0.08, n_rel)
        rel = _answers(rng, rel_latent, rel_site, 0, 4, 0.75, 1.0)

        emp_latent = np.repeat(empowerment[:, None], n_emp, axis=1)
        emp = _answers(rng, emp_latent, emp_means + rng.normal(0.0, 0.05, n_emp), 1, 4, 0.6, 0.75)

        answers = np.hstack([rsa, rel, emp])
        answers[rng.random(answers.shape) < MISSING_ANSWER_SHARE] = np.nan
        skipped_emp = rng.random(n) < 0.02
        answers[skipped_emp, n_rsa + n_rel :] = np.nan
        stopped_early = rng.random(n) < 0.02
        answers[stopped_early, 8:n_rsa] = np.nan

        frame = pd.DataFrame(
            answers,
            columns=item_ids("RSA", n_rsa) + item_ids("REL", n_rel) + item_ids("EMP", n_emp),
        )
        frame.insert(0, "respondent_id", [f"R{i:04d}" for i in range(start, start + n)])
        frame.insert(1, "site", site.name)
        frame.insert(2, "age", np.where(rng.random(n) < 0.03, np.nan, age))
        frame.insert(3, "gender", _blank_some(gender, rng.random(n) < 0.02))
        frame.insert(4, "ethnicity", _blank_some(ethnicity, rng.random(n) < 0.04))
        frame.insert(5, "years_in_services", np.where(rng.random(n) < 0.03, np.nan, years))
        frames.append(frame)
        start += n
    out = pd.concat(frames, ignore_index=True)
    numeric = [c for c in out.columns if c not in ("respondent_id", "site", "gender", "ethnicity")]
    out[numeric] = out[numeric].astype("Int64")
    return out


def demo_csv_text(seed: int = DEMO_SEED) -> str:
    """The demo survey as CSV text (UTF-8, ``\\n`` line ends, blank = missing)."""
    buffer = io.StringIO()
    demo_frame(seed).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


@dataclass(frozen=True)
class DemoFiles:
    """Paths written by :func:`write_demo`."""

    data: Path
    config: Path


def write_demo(out_dir: str | Path, seed: int = DEMO_SEED) -> DemoFiles:
    """Write the demo CSV and a report config that points at it into ``out_dir``."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / CSV_NAME
    config = folder / CONFIG_NAME
    data.write_text(demo_csv_text(seed), encoding="utf-8", newline="")
    config.write_text(SHIPPED_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    return DemoFiles(data=data, config=config)


__all__ = [
    "DEMO_SEED",
    "SHIPPED_CONFIG",
    "SHIPPED_CSV",
    "SITES",
    "DemoFiles",
    "DemoSite",
    "demo_csv_text",
    "demo_frame",
    "item_ids",
    "subscale_items",
    "write_demo",
]
