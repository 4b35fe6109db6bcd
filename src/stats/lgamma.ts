// log|Γ(x)| for x > 0 (what the early-stopping beta function needs), accurate
// to about 1e-16 relative: Stirling's series for x >= 15, the recurrence
// Γ(x) = Γ(x+k) / (x(x+1)…(x+k-1)) below, exact values at 1 and 2.
const HALF_LOG_2PI = 0.9189385332046727;
// Bernoulli terms B_2k / (2k(2k-1)) of Stirling's series.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity;
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  if (x === Infinity) return Infinity;
  let shift = 0;
  let prod = 1;
  while (x < 15) {
    prod *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + STIRLING[k]!;
  const value = (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series * inv;
  return shift > 0 ? value - Math.log(prod) : value;
}
