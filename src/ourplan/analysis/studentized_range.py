"""The studentized range distribution: cdf, sf and quantile, vectorised and fast.

If ``X₁ … X_k`` are independent N(0, 1), ``R = max − min`` is their range and ``S`` is
independent of them with ``ν S²`` ~ χ²(ν), then ``Q = R / S`` has the studentized range
distribution with ``k`` means and ``ν`` degrees of freedom: the distribution behind Tukey's
HSD and the Games–Howell test.  ``ν = inf`` gives the range ``R`` itself.

    P(Q ≤ q) = ∫₀^∞ f_S(s) F_R(q s) ds,      F_R(w) = k ∫ φ(z) [Φ(z) − Φ(z − w)]^(k−1) dz

How it is computed (every step in log space, so far tails keep their relative accuracy):

* **Inner integral, once per k.**  ``log F_R(w) − (k − 1) log w`` (smooth down to w = 0) is
  tabulated on ``[0, w_split]`` and ``log P(R > w) + w²/4`` on ``[w_split, 60]`` as
  Chebyshev series on fixed panels, where ``w_split`` is near the median of R, so each side
  is computed where it is the smaller tail and the other follows as ``log1p(−e^x)`` without
  cancellation.  The table values come from composite Gauss–Legendre quadrature (10 nodes on
  each of 40–48 fixed panels) of the inner integral; building a table takes a few tens of
  milliseconds and is cached per k.  Past w = 60 the range exceeds w only through one pair
  (to a relative e^(−w²/12)), so ``P(R > w) = C(k, 2) erfc(w/2)`` there.
* **Outer integral, per point.**  In ``u = log s`` the integrand is smooth and unimodal
  (log-concave); its mode ``μ`` and curvature are found by a few Newton steps (derivatives
  from the Chebyshev series), and the integral is the trapezoidal rule on 65 nodes after
  the change of variable ``u = μ + σ φ(t)``, σ from the curvature, where φ is the identity
  on the right of the mode and stretches the left exponentially as far as the slowly
  decaying tail of small ν needs.  The rule converges exponentially for such analytic
  integrands; where the integrand at an end of the window is not yet negligible the window
  is widened and the point recomputed.  Whichever of the cdf and sf is the smaller tail is
  integrated; the other is its complement.
* **Quantiles** solve ``log sf(q) = log(1 − p)`` (or ``log cdf(q) = log p`` below the
  median) in ``log q`` by safeguarded Newton steps; the derivative comes from the same
  quadrature nodes.

All points of a call (for example every pair of a Games–Howell test) are evaluated together
in NumPy.  Accuracy: within about 1e-12 of SciPy's adaptive quadrature wherever SciPy is
accurate, and a relative accuracy of about 1e-11 in the far upper tail, where ``1 − cdf``
(as SciPy computes the sf) loses every digit; for k = 2, where ``Q/√2`` is ``|t_ν|``, it
agrees with Student's t to the same accuracy (``tests/analysis/test_studentized_range.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.polynomial import chebyshev as cheb
from scipy import special

__all__ = ["cdf", "logsf", "ppf", "sf"]

FloatArray = npt.NDArray[np.float64]

# --------------------------------------------------------------------------- inner integral

#: The tables end here; beyond, P(R > w) = C(k, 2) erfc(w/2) to a relative 1e-130.
W_MAX = 60.0
_CHEB_DEGREE = 28
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(10)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
# Below this half-width the normal probability of [x - h, x + h] is integrated directly
# (Gauss–Legendre), because the difference of two normal cdfs would cancel.
_SMALL_HALF_WIDTH = 0.1
_SMALL_NODES, _SMALL_WEIGHTS = np.polynomial.legendre.leggauss(12)


def _composite_nodes(lo: FloatArray, hi: FloatArray, panels: int) -> tuple[FloatArray, FloatArray]:
    """Gauss–Legendre nodes and weights on ``panels`` equal panels of each ``[lo, hi]``.

    Returns arrays of shape ``(len(lo), panels * 10)``.
    """
    width = (hi - lo) / panels
    starts = lo[:, None] + width[:, None] * np.arange(panels)[None, :]
    half = 0.5 * width[:, None, None]
    nodes = starts[:, :, None] + half * (1.0 + _GL_NODES[None, None, :])
    weights = np.broadcast_to(half * _GL_WEIGHTS[None, None, :], nodes.shape)
    n = lo.size
    return nodes.reshape(n, -1), weights.reshape(n, -1)


def _log_interval_probability(x: FloatArray, h: FloatArray) -> FloatArray:
    """log(Φ(x + h) − Φ(x − h)) for x ≥ 0, h > 0, accurate for small h too."""
    out = np.empty(np.broadcast_shapes(x.shape, h.shape))
    x, h = np.broadcast_arrays(x, h)
    small = h < _SMALL_HALF_WIDTH
    if np.any(small):
        xs, hs = x[small], h[small]
        # ∫_{x-h}^{x+h} φ = φ(x) h ∫_{-1}^{1} exp(-x h τ - h² τ² / 2) dτ
        t = hs[:, None] * _SMALL_NODES[None, :]
        inner = np.exp(-xs[:, None] * t - 0.5 * t * t) @ _SMALL_WEIGHTS
        out[small] = -0.5 * xs * xs - _LOG_SQRT_2PI + np.log(hs * inner)
    big = ~small
    if np.any(big):
        xb, hb = x[big], h[big]
        upper = special.log_ndtr(hb - xb)
        # Φ(h - x) - Φ(-h - x), both upper tails of the normal for x ≥ 0.
        ratio = special.log_ndtr(-hb - xb) - upper
        out[big] = upper + np.log(-np.expm1(ratio))
    return out


def _log_range_cdf_direct(w: FloatArray, k: float) -> FloatArray:
    """log P(R ≤ w) by quadrature, for 0 < w ≲ 6 (the lower half of R's distribution).

    With z = x + w/2 and the symmetry of Φ(x + h) − Φ(x − h) in x:
    F_R(w) = k ∫₀^∞ [φ(x + h) + φ(x − h)] [Φ(x + h) − Φ(x − h)]^(k−1) dx,  h = w/2.
    """
    h = 0.5 * w
    x, weights = _composite_nodes(np.zeros_like(h), h + 8.8, 40)
    hh = h[:, None]
    # log(φ(x + h) + φ(x − h)) = log φ(x − h) + log1p(e^{−2xh})
    log_density = -0.5 * (x - hh) ** 2 - _LOG_SQRT_2PI + np.log1p(np.exp(-2.0 * x * hh))
    log_terms = log_density + (k - 1.0) * _log_interval_probability(x, hh)
    return math.log(k) + _log_sum(log_terms, weights)


def _log_range_sf_direct(w: FloatArray, k: float) -> FloatArray:
    """log P(R > w) by quadrature, for w near the median of R and above.

    P(R > w) = k ∫ φ(z) Φ(z)^(k−1) [1 − (1 − r)^(k−1)] dz with r = Φ(z − w)/Φ(z); for large
    w the mass sits near z = w/2, for small w over the range of the maximum.
    """
    h = 0.5 * w
    lo = np.maximum(-9.0, h - 7.5)
    z, weights = _composite_nodes(lo, h + 9.0, 48)
    log_phi_z = special.log_ndtr(z)
    log_r = special.log_ndtr(z - w[:, None]) - log_phi_z
    r = np.exp(log_r)
    with np.errstate(divide="ignore"):
        exact = np.log(-np.expm1((k - 1.0) * np.log1p(-r)))
    # For tiny r: 1 − (1 − r)^(k−1) = (k − 1) r (1 − (k − 2) r / 2 + …).
    series = math.log(k - 1.0) + log_r - 0.5 * (k - 2.0) * r
    log_tail = np.where(log_r < -25.0, series, exact)
    log_terms = -0.5 * z * z - _LOG_SQRT_2PI + (k - 1.0) * log_phi_z + log_tail
    return math.log(k) + _log_sum(log_terms, weights)


def _log_sum(log_terms: FloatArray, weights: FloatArray) -> FloatArray:
    """log Σ weights · exp(log_terms) along the last axis, without overflow."""
    top = np.max(log_terms, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    total = np.sum(weights * np.exp(log_terms - top), axis=-1)
    with np.errstate(divide="ignore"):
        return np.log(total) + top[..., 0]


def _median_range(k: float) -> float:
    """A value near the median of the range of k normals (Blom's approximation of E[R])."""
    return float(2.0 * special.ndtri((k - 0.375) / (k + 0.25)))


def _chebyshev_fit(edges: FloatArray, values: FloatArray) -> FloatArray:
    """Chebyshev coefficients of a function and its first two derivatives on each panel.

    ``values`` holds the function at the Chebyshev points of each panel (see
    :func:`_chebyshev_points`), shape ``(panels, degree)``; returns
    ``(panels, 3, degree)``: value, first and second derivative.
    """
    n = values.shape[1]
    basis = np.cos(np.pi * np.outer(np.arange(n), np.arange(n) + 0.5) / n)  # T_m at the points
    coefficients = (2.0 / n) * values @ basis.T
    coefficients[:, 0] *= 0.5
    scale = 2.0 / np.diff(edges)
    first = cheb.chebder(coefficients, 1, axis=1) * scale[:, None]
    second = cheb.chebder(first, 1, axis=1) * scale[:, None]
    stacked = np.zeros((len(edges) - 1, 3, n))
    stacked[:, 0, :] = coefficients
    stacked[:, 1, : n - 1] = first
    stacked[:, 2, : n - 2] = second
    return stacked


def _chebyshev_points(edges: FloatArray, degree: int) -> FloatArray:
    """The Chebyshev points (first kind) of each panel, shape ``(panels, degree)``."""
    x = np.cos(np.pi * (np.arange(degree) + 0.5) / degree)
    lo, hi = edges[:-1, None], edges[1:, None]
    return 0.5 * (lo + hi) + 0.5 * (hi - lo) * x[None, :]


_DEGREES = np.arange(_CHEB_DEGREE, dtype=np.float64)


@dataclass(frozen=True)
class _RangeTable:
    """log F_R and log(1 − F_R) for one k, with two derivatives, as Chebyshev series.

    Panels below ``split`` hold ``log F_R(w) − (k − 1) log w``; panels above hold
    ``log(1 − F_R(w)) + w²/4``; each is the smaller tail where it is tabulated.
    """

    k: float
    split: float
    edges: FloatArray  # panel boundaries from 0 to W_MAX; ``split`` is one of them
    coefficients: FloatArray  # (panels, 3, degree)

    @property
    def log_pairs(self) -> float:
        """log C(k, 2), the number of pairs of means."""
        return math.log(0.5 * self.k * (self.k - 1.0))

    def logs(
        self, w: FloatArray, upper_tail: bool | npt.NDArray[np.bool_]
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """log F_R(w), or log(1 − F_R(w)) where ``upper_tail``, and two derivatives in w."""
        w = np.asarray(w, dtype=np.float64)
        edges = self.edges
        clamped = np.minimum(w, edges[-1])
        panel = np.searchsorted(edges, clamped, side="right") - 1
        panel = np.minimum(np.maximum(panel, 0), len(edges) - 2)
        lo, hi = edges[panel], edges[panel + 1]
        x = np.minimum(np.maximum((2.0 * clamped - lo - hi) / (hi - lo), -1.0), 1.0)
        # T_m(x) = cos(m arccos x): one vectorised call instead of a recurrence of calls.
        basis = np.cos(np.arccos(x)[..., None] * _DEGREES)
        series = np.einsum("...m,...km->k...", basis, self.coefficients[panel])
        s0, s1, s2 = series[0], series[1], series[2]
        upper = w >= self.split
        m = self.k - 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            # Below split: log F_R = s + (k − 1) log w.
            inv = 1.0 / w
            low_value = s0 + m * np.log(w)
            low_first = s1 + m * inv
            low_second = s2 - m * inv * inv
        # Above: log P(R > w) = s − w²/4.
        value = np.where(upper, s0 - 0.25 * w * w, low_value)
        first = np.where(upper, s1 - 0.5 * w, low_first)
        second = np.where(upper, s2 - 0.5, low_second)
        beyond = w > edges[-1]
        if np.any(beyond):
            # Past the table the range exceeds w through a single pair, to a relative
            # e^{−w²/12} < 1e-130: P(R > w) = C(k, 2) erfc(w/2) = C(k, 2) 2 Φ(−w/√2).
            x = w[beyond] / math.sqrt(2.0)
            log_tail = special.log_ndtr(-x)
            hazard = np.exp(-0.5 * x * x - _LOG_SQRT_2PI - log_tail)  # φ(x)/Φ(−x)
            value[beyond] = self.log_pairs + math.log(2.0) + log_tail
            first[beyond] = -hazard / math.sqrt(2.0)
            second[beyond] = -0.5 * hazard * (hazard - x)
        swap = upper != upper_tail
        if np.any(swap):
            other = _complement(value, first, second)
            value = np.where(swap, other[0], value)
            first = np.where(swap, other[1], first)
            second = np.where(swap, other[2], second)
        return value, first, second


def _complement(
    value: FloatArray, first: FloatArray, second: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """log(1 − e^v) and its derivatives, from v and its derivatives (v ≤ log 0.9 or so)."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        e = np.exp(value)
        ratio = e / -np.expm1(value)
        out = np.log1p(-e)
        d1 = -ratio * first
        d2 = -ratio * (second + first * first) - ratio * ratio * first * first
    return out, d1, d2


def _table_edges(split: float) -> tuple[FloatArray, FloatArray]:
    lower = split * np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    steps = np.array([0.0, 0.5, 1.25, 2.5, 4.5, 7.5, 12.0, 18.0, 26.0, 37.0])
    upper = split + steps
    return lower, np.append(upper[upper < W_MAX - 4.0], W_MAX)


@lru_cache(maxsize=64)
def _range_table(k: float) -> _RangeTable:
    split = _median_range(k)
    lower_edges, upper_edges = _table_edges(split)
    lower_w = _chebyshev_points(lower_edges, _CHEB_DEGREE)
    flat = lower_w.ravel()
    lower_values = _log_range_cdf_direct(flat, k) - (k - 1.0) * np.log(flat)
    upper_w = _chebyshev_points(upper_edges, _CHEB_DEGREE)
    flat = upper_w.ravel()
    upper_values = _log_range_sf_direct(flat, k) + 0.25 * flat * flat
    coefficients = np.concatenate(
        [
            _chebyshev_fit(lower_edges, lower_values.reshape(lower_w.shape)),
            _chebyshev_fit(upper_edges, upper_values.reshape(upper_w.shape)),
        ]
    )
    return _RangeTable(
        k=k,
        split=split,
        edges=np.concatenate([lower_edges, upper_edges[1:]]),
        coefficients=coefficients,
    )


# --------------------------------------------------------------------------- outer integral

_OUTER_NODES = 65
# Left of the mode the map is linear out to this t, then stretched (see _trapezoid).
_LEFT_T = 8.0
_NEWTON_STEPS = 30
# The integrand is dropped where it is below e^{-_TAIL_DROP} of its peak.
_TAIL_DROP = 50.0
_UNIT = np.linspace(0.0, 1.0, _OUTER_NODES)


def _log_chi_constant(nu: FloatArray) -> FloatArray:
    """½ log m + log 2 − ½ log 2π − δ(m), m = ν/2, δ the Stirling remainder of lgamma(m).

    With it, the density of u = log S (S² ~ χ²_ν/ν) is exp(const − m (e^{2u} − 1 − 2u)),
    written so that no large terms cancel when ν is large.
    """
    m = 0.5 * nu
    with np.errstate(divide="ignore", invalid="ignore"):
        stirling = special.gammaln(m) - ((m - 0.5) * np.log(m) - m + _LOG_SQRT_2PI)
        inv = 1.0 / m
        inv2 = inv * inv
        series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)))
    delta = np.where(m > 15.0, series, stirling)
    return 0.5 * np.log(m) + math.log(2.0) - _LOG_SQRT_2PI - delta


def _log_chi_density(u: FloatArray, nu: FloatArray, constant: FloatArray) -> FloatArray:
    """log of the density of u = log S, S² ~ χ²_ν/ν."""
    v = 2.0 * u
    # e^v − 1 − v, accurate for small v too.
    small = np.abs(v) < 1e-3
    with np.errstate(over="ignore"):
        excess = np.where(small, v * v * (0.5 + v * (1 / 6 + v / 24)), np.expm1(v) - v)
    return constant - 0.5 * nu * excess


def _right_reach(sigma: FloatArray) -> FloatArray:
    """How far right of the mode, in u, a drop of _TAIL_DROP is reached.

    Right of the mode the log-integrand falls like −(e^{2Δ} − 1 − 2Δ)/(4σ²) (its terms in
    e^{2u} dominate; σ² is its inverse curvature at the mode): a Gaussian for small σ,
    faster for large σ.  Newton steps on e^x − 1 − x = 4 σ² drop, x = 2Δ, from the right.
    """
    c = 4.0 * _TAIL_DROP * sigma * sigma
    x = np.sqrt(2.0 * c)
    for _ in range(12):
        x = x - (np.expm1(x) - x - c) / np.expm1(x)
    return 0.5 * x


@dataclass(frozen=True)
class _TailIntegral:
    """log of P(Q ≤ q) or P(Q > q), its derivative in log q, and the mode used."""

    log_value: FloatArray
    slope: FloatArray  # d log(value) / d log q
    mode: FloatArray


Tails = npt.NDArray[np.bool_]


def _mode(
    table: _RangeTable,
    log_q: FloatArray,
    nu: FloatArray,
    upper_tail: Tails,
    start: FloatArray | None,
) -> tuple[FloatArray, FloatArray]:
    """Mode μ and width σ (from the curvature) of g(u) = log f_U(u) + log G(q e^u).

    g is concave, so damped Newton steps converge from any start; the starts are the
    modes of the tilted chi densities the integrand resembles.
    """
    if start is not None:
        u = start.copy()
    else:
        u = np.where(
            upper_tail,
            -0.5 * np.log1p(np.exp(2.0 * log_q) / (2.0 * nu)),
            0.25 * np.log1p((table.k - 1.0) / nu),
        )
    fallback = 1.0 / np.sqrt(2.0 * nu)
    curvature = -2.0 * nu
    for _ in range(_NEWTON_STEPS):
        w = np.exp(log_q + u)
        _, l1, l2 = table.logs(w, upper_tail)
        e2u = np.exp(np.minimum(2.0 * u, 700.0))
        slope = nu * (1.0 - e2u) + w * l1
        curvature = -2.0 * nu * e2u + w * l1 + w * w * l2
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(curvature < 0, -slope / curvature, 0.5 * np.sign(slope))
        step = np.minimum(np.maximum(np.nan_to_num(step), -1.0), 1.0)
        u = u + step
        # Converged to a hundredth of the width 1/√(−g''): plenty for placing nodes.
        if np.all(step * step * np.abs(curvature) < 1e-4):
            break
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = 1.0 / np.sqrt(-curvature)
    sigma = np.where(np.isfinite(sigma) & (sigma > 0), sigma, fallback)
    sigma = np.minimum(np.maximum(sigma, 1e-3 * fallback / math.sqrt(table.k)), 4.0 * fallback)
    return u, sigma


def _outer(
    table: _RangeTable,
    q: FloatArray,
    nu: FloatArray,
    upper_tail: Tails,
    start: FloatArray | None = None,
) -> _TailIntegral:
    """∫ f_S(s) G(q s) ds in log space, G = P(R > ·) where ``upper_tail`` else P(R ≤ ·).

    For finite ν; ``upper_tail`` is one flag per point.
    """
    log_q = np.log(q)
    mu, sigma = _mode(table, log_q, nu, upper_tail, start)
    # Left of the mode the integrand falls only like e^{rate (u − μ)}: rate ν in the upper
    # tail (s → 0, where G → 1), ν + k − 1 in the lower tail (G ~ w^{k−1}).
    rate = np.where(upper_tail, nu, nu + table.k - 1.0)
    left = 12.0 * sigma + 1.2 * _TAIL_DROP / rate
    right = 1.5 * _right_reach(sigma)
    log_value = np.empty_like(q)
    slope = np.empty_like(q)
    todo = np.ones(q.shape, dtype=bool)
    for _ in range(4):
        idx = np.flatnonzero(todo)
        lv, sl, edge = _trapezoid(
            table,
            log_q[idx],
            nu[idx],
            upper_tail[idx],
            mu[idx],
            sigma[idx],
            left[idx],
            right[idx],
        )
        log_value[idx], slope[idx] = lv, sl
        # Where an end of the window still carries weight, widen that side and redo.
        left[idx] = np.where(edge[0], 2.0 * left[idx], left[idx])
        right[idx] = np.where(edge[1], 2.0 * right[idx], right[idx])
        todo[idx] = edge[0] | edge[1]
        if not np.any(todo):
            break
    return _TailIntegral(log_value, slope, mu)


def _stretch_for(reach: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Stretch c and left end t_lo of the map with φ_c(t_lo) ≤ −reach (in units of σ).

    Up to _LEFT_T the map is linear (c = 0, t_lo = −reach); beyond, t_lo = −_LEFT_T and c
    makes (_LEFT_T + (e^{c _LEFT_T} − 1)/c)/2 reach at least ``reach``: with x = c _LEFT_T,
    (e^x − 1)/x = b, by three Newton steps on log((e^x − 1)/x) = log b from above.
    """
    b = np.maximum((2.0 * reach - _LEFT_T) / _LEFT_T, 1.0 + 1e-9)
    log_b = np.log(b)
    # An upper bound on the root: (e^x − 1)/x ≥ e^{x/2}·… gives x ≤ 2 log b + 1.
    x = np.minimum(2.0 * log_b + 1.0, np.maximum(2.0 * (b - 1.0), 1e-9))
    for _ in range(3):
        ex = np.expm1(x)
        slope = 1.0 + 1.0 / ex - 1.0 / x
        x = x - (np.log(ex / x) - log_b) / np.maximum(slope, 1e-3)
    # The function is increasing in x: a slightly large x only reaches a little further.
    x = np.maximum(x, 1e-9) * 1.001
    linear = reach <= _LEFT_T
    c = np.where(linear, 0.0, x / _LEFT_T)
    t_lo = np.where(linear, -reach, -_LEFT_T)
    return c, t_lo


def _map(t: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """φ_c(t) = (t + (1 − e^{−ct})/c)/2 and φ_c'(t); φ_0(t) = t."""
    e = np.exp(-c * t)
    with np.errstate(divide="ignore", invalid="ignore"):
        bent = np.where(c > 1e-12, -np.expm1(-c * t) / c, t)
    return 0.5 * (t + bent), 0.5 * (1.0 + e)


def _trapezoid(
    table: _RangeTable,
    log_q: FloatArray,
    nu: FloatArray,
    upper_tail: Tails,
    mu: FloatArray,
    sigma: FloatArray,
    left: FloatArray,
    right: FloatArray,
) -> tuple[FloatArray, FloatArray, tuple[Tails, Tails]]:
    """The trapezoidal rule in t for u = μ + σ φ_c(t) on [μ − left, μ + right] (or wider).

    φ_c(t) = (t + (1 − e^{−ct})/c)/2 is the identity for c = 0 (a Gaussian-like integrand,
    large ν) and stretches the left side exponentially for c > 0, where the integrand
    decays only exponentially (small ν).  The integrand is analytic in t, so the rule
    converges exponentially in the number of nodes.
    """
    c, t_lo = _stretch_for(left / sigma)
    # Right end: any t ≥ r with φ_c(t) ≥ r = right/σ; t = 2r − (1 − e^{−cr})/c is one.
    r = right / sigma
    with np.errstate(divide="ignore", invalid="ignore"):
        t_hi = np.where(c > 1e-12, 2.0 * r + np.expm1(-c * r) / c, r)
    t = t_lo[:, None] + (t_hi - t_lo)[:, None] * _UNIT[None, :]
    h = (t_hi - t_lo) / (_OUTER_NODES - 1)
    shape, derivative = _map(t, c[:, None])
    nodes = mu[:, None] + sigma[:, None] * shape
    log_weights = np.log(h * sigma)[:, None] + np.log(derivative)
    w = np.exp(log_q[:, None] + nodes)
    value, l1, _ = table.logs(w, upper_tail[:, None])
    constant = _log_chi_constant(nu)
    log_terms = _log_chi_density(nodes, nu[:, None], constant[:, None]) + value + log_weights
    top = np.max(log_terms, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    relative = log_terms - top
    terms = np.exp(relative)
    total = terms.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_value = np.log(total) + top[:, 0]
        slope = np.sum(terms * np.nan_to_num(w * l1), axis=1) / total
    ends = (relative[:, 0] > -_TAIL_DROP + 5.0, relative[:, -1] > -_TAIL_DROP + 5.0)
    return log_value, slope, ends


def _log_tails(q: FloatArray, k: float, nu: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log P(Q ≤ q) and log P(Q > q) for one k, q > 0 finite (arrays of one shape).

    Whichever is the smaller tail (the upper one from near the median of the range up) is
    integrated; the other is its complement.
    """
    table = _range_table(k)
    upper = q >= table.split
    direct = np.empty_like(q)
    infinite = np.isinf(nu)
    if np.any(infinite):
        direct[infinite] = table.logs(q[infinite], upper[infinite])[0]
    finite = ~infinite
    if np.any(finite):
        direct[finite] = _outer(table, q[finite], nu[finite], upper[finite]).log_value
    with np.errstate(divide="ignore"):
        other = np.log1p(-np.exp(direct))
    return np.where(upper, other, direct), np.where(upper, direct, other)


# --------------------------------------------------------------------------- public API


def _prepare(*arrays: Any) -> tuple[list[FloatArray], tuple[int, ...], bool]:
    values = [np.asarray(a, dtype=np.float64) for a in arrays]
    scalar = all(v.ndim == 0 for v in values)
    shape = np.broadcast_shapes(*(v.shape for v in values))
    return [np.broadcast_to(v, shape).ravel() for v in values], shape, scalar


def _finish(result: FloatArray, shape: tuple[int, ...], scalar: bool) -> Any:
    out = result.reshape(shape)
    return out[()] if scalar else out


def _logs(q: Any, k: Any, df: Any) -> tuple[FloatArray, FloatArray, tuple[int, ...], bool]:
    """log cdf and log sf at every point (NaN where the parameters are invalid)."""
    (q, k, df), shape, scalar = _prepare(q, k, df)
    log_lower = np.full(q.shape, np.nan)
    log_upper = np.full(q.shape, np.nan)
    valid = (k > 1) & (df > 0) & ~np.isnan(q) & np.isfinite(k)
    at_zero = valid & (q <= 0)
    log_lower[at_zero], log_upper[at_zero] = -np.inf, 0.0
    at_inf = valid & np.isposinf(q)
    log_lower[at_inf], log_upper[at_inf] = 0.0, -np.inf
    inside = valid & (q > 0) & np.isfinite(q)
    for kk in np.unique(k[inside]):
        mask = inside & (k == kk)
        lower, upper = _log_tails(q[mask], float(kk), df[mask])
        log_lower[mask], log_upper[mask] = lower, upper
    return log_lower, log_upper, shape, scalar


def cdf(q: Any, k: Any, df: Any) -> Any:
    """P(Q ≤ q) for the studentized range with ``k`` means and ``df`` degrees of freedom.

    Arguments broadcast like NumPy ufuncs; ``df`` may be ``inf``.  Invalid parameters
    (k ≤ 1, df ≤ 0, NaN) give NaN.
    """
    log_lower, _, shape, scalar = _logs(q, k, df)
    return _finish(np.exp(log_lower), shape, scalar)


def sf(q: Any, k: Any, df: Any) -> Any:
    """P(Q > q), accurate in relative terms far into the upper tail (the p-value of q)."""
    _, log_upper, shape, scalar = _logs(q, k, df)
    return _finish(np.exp(log_upper), shape, scalar)


def logsf(q: Any, k: Any, df: Any) -> Any:
    """log P(Q > q), finite even where P(Q > q) underflows."""
    _, log_upper, shape, scalar = _logs(q, k, df)
    return _finish(log_upper, shape, scalar)


def ppf(p: Any, k: Any, df: Any) -> Any:
    """The quantile q with P(Q ≤ q) = p (``ppf(0.95, k, df)`` is Tukey's critical value).

    Solved in log q by safeguarded Newton steps on log P(Q > q) = log(1 − p) for p ≥ 1/2
    and on log P(Q ≤ q) = log p below; p = 0 gives 0 and p = 1 gives inf.
    """
    (p, k, df), shape, scalar = _prepare(p, k, df)
    out = np.full(p.shape, np.nan)
    valid = (k > 1) & (df > 0) & (p >= 0) & (p <= 1) & np.isfinite(k)
    out[valid & (p == 0)] = 0.0
    out[valid & (p == 1)] = np.inf
    inside = valid & (p > 0) & (p < 1)
    for kk in np.unique(k[inside]):
        mask = inside & (k == kk)
        out[mask] = _solve(p[mask], float(kk), df[mask])
    return _finish(out, shape, scalar)


def _solve(p: FloatArray, k: float, nu: FloatArray) -> FloatArray:
    table = _range_table(k)
    upper = p >= 0.5
    target = np.where(upper, np.log1p(-p), np.log(p))
    # Start from the infinite-df quantile, widened as Student's t is (z + (z³ + z)/4ν).
    v = np.log(_infinite_df_quantile(table, p, upper))
    with np.errstate(divide="ignore"):
        widen = (0.5 * np.exp(2.0 * v) + 1.0) / (4.0 * nu)
    v = v + np.log1p(widen)
    lo = np.full_like(v, -np.inf)
    hi = np.full_like(v, np.inf)
    modes = np.full_like(v, np.nan)
    active = np.ones(v.shape, dtype=bool)
    for _ in range(60):
        idx = np.flatnonzero(active)
        value, slope = _log_tail_and_slope(table, v[idx], nu[idx], upper[idx], modes, idx)
        error = value - target[idx]
        # The upper tail falls with q and the lower tail rises: keep a bracket in v.
        too_low = np.where(upper[idx], error > 0, error < 0)
        lo[idx] = np.where(too_low, np.maximum(lo[idx], v[idx]), lo[idx])
        hi[idx] = np.where(too_low, hi[idx], np.minimum(hi[idx], v[idx]))
        with np.errstate(divide="ignore", invalid="ignore"):
            step = -error / slope
        step = np.minimum(np.maximum(np.nan_to_num(step, nan=0.0), -2.0), 2.0)
        # Converged when the step is below the noise of the quadrature (~1e-13 in log).
        done = (np.abs(step) < 1e-12) | (np.abs(error) < 1e-14)
        new = v[idx] + step
        inside = (new > lo[idx]) & (new < hi[idx]) & (step != 0.0)
        both = np.isfinite(lo[idx]) & np.isfinite(hi[idx])
        fallback = np.where(too_low, v[idx] + 1.0, v[idx] - 1.0)
        bisect = np.where(both, 0.5 * (lo[idx] + hi[idx]), fallback)
        new = np.where(done | inside, new, bisect)
        v[idx] = new
        active[idx] = ~done
        if not np.any(active):
            break
    return np.exp(v)


def _log_tail_and_slope(
    table: _RangeTable,
    v: FloatArray,
    nu: FloatArray,
    upper: Tails,
    modes: FloatArray,
    idx: npt.NDArray[np.intp],
) -> tuple[FloatArray, FloatArray]:
    """log P(Q > e^v) (or log P(Q ≤ e^v) where not ``upper``) and its slope in v.

    ``modes`` (indexed by ``idx``) holds the outer integrand's last mode, a warm start.
    """
    q = np.exp(v)
    value = np.empty_like(v)
    slope = np.empty_like(v)
    infinite = ~np.isfinite(nu)
    if np.any(infinite):
        lv, l1, _ = table.logs(q[infinite], upper[infinite])
        value[infinite], slope[infinite] = lv, q[infinite] * l1
    finite = ~infinite
    if np.any(finite):
        previous = modes[idx[finite]]
        start = previous if np.all(np.isfinite(previous)) else None
        result = _outer(table, q[finite], nu[finite], upper[finite], start)
        value[finite], slope[finite] = result.log_value, result.slope
        modes[idx[finite]] = result.mode
    return value, slope


def _infinite_df_quantile(table: _RangeTable, p: FloatArray, upper: Tails) -> FloatArray:
    """The quantile of the range itself (df = inf), by Newton steps on the table."""
    target = np.where(upper, np.log1p(-p), np.log(p))
    w = np.full_like(p, table.split)
    for _ in range(60):
        value, first, _ = table.logs(w, upper)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = -(value - target) / first
        step = np.minimum(np.maximum(np.nan_to_num(step), -0.5 * w), 2.0)
        w = w + step
        if np.all(np.abs(step) < 1e-14 * w):
            break
    return w
