// Arithmetic on magnitudes stored as base-10 logarithms, so that products over 10^12 repeats or
// gains near 1e308 do not overflow. A magnitude of 0 is -Infinity, and overflowing exponents are
// clamped to the largest double instead of becoming Infinity.

export const LOG_ZERO = -Infinity;

/** log10(10^a + 10^b), exact for zeros on either side. */
export function log10Add(a: number, b: number): number {
  if (a === LOG_ZERO) return b;
  if (b === LOG_ZERO) return a;
  const high = Math.max(a, b);
  const low = Math.min(a, b);
  return high + Math.log10(1 + Math.pow(10, low - high));
}

/** log10 of |x|; -Infinity for 0. */
export function log10Abs(x: number): number {
  return Math.log10(Math.abs(x));
}

/** Largest finite log10 magnitude; products of finite gains are held at it instead of overflowing. */
export const MAX_LOG = Number.MAX_VALUE;

/**
 * Keeps a log magnitude that came from finite factors finite: an infinite result there is
 * overflow of the exponent (nested blocks with huge repeats), not a zero or an infinite gain.
 */
export function clampLog(log: number): number {
  if (log === Infinity) return MAX_LOG;
  if (log === -Infinity) return -MAX_LOG;
  return log;
}

/** Multiplies a log magnitude by a count; 0 * -Infinity (a zero gain applied no times) is 1. */
export function log10Times(count: number, log: number): number {
  if (count === 0) return 0;
  if (log === LOG_ZERO) return LOG_ZERO;
  return clampLog(count * log);
}

/**
 * Adds log magnitudes (multiplies the values): a true zero stays zero, overflow is clamped.
 * NOTE: two clamped magnitudes of opposite sign sum to 0, so a product of parts whose log10 passes
 * +1.8e308 and -1.8e308 (nested repeats of 2^53) reads as W = 1 where it is indeterminate.
 */
export function log10Multiply(a: number, b: number): number {
  if (a === LOG_ZERO || b === LOG_ZERO) return LOG_ZERO;
  return clampLog(a + b);
}

/** Returns the linear value of a log magnitude, or null when a double cannot hold it (overflow, or underflow of a non-zero value). */
export function linearOrNull(log: number): number | null {
  if (log === LOG_ZERO) return 0;
  if (!Number.isFinite(log)) return null;
  const value = Math.pow(10, log);
  if (value === 0 || !Number.isFinite(value)) return null;
  return value;
}

/** Below this distance in log10 (about 0.05%), a value is written as its distance from 1. */
const NEAR_ONE_LOG10 = 2e-4;

/**
 * Formats a magnitude given as log10 for people: fixed notation between 1e-3 and 1e6, otherwise
 * scientific notation computed from the logarithm, so 10^(4e11) prints as "1.00e+400000000000".
 * From |log10| = 1e12 on, a double stores too few digits of the logarithm's fraction for three
 * digits of the mantissa, so W is written as a power of ten: "10^(4.00e+12)".
 */
export function formatLog10(log: number, significant = 3, showNoise = false): string {
  if (log === LOG_ZERO) return '0';
  if (Number.isNaN(log)) return 'undefined';
  if (log === Infinity || log >= MAX_LOG) return 'overflow (log10 W at or above 1.8e+308)';
  if (log <= -MAX_LOG) return 'underflow (log10 W at or below -1.8e+308)';
  // Differences from 1 below 1e-12 are rounding noise of the sums, not a property of the model,
  // unless the caller shows a value that is exact there (a band edge divided by a repeat count).
  if ((showNoise ? log !== 0 : Math.abs(log) >= 4e-13) && Math.abs(log) < NEAR_ONE_LOG10) {
    // Within 0.05% of 1, fixed notation would print "1.00"; show the distance from 1 instead.
    const delta = Math.expm1(log * Math.LN10);
    return `1 ${delta < 0 ? '-' : '+'} ${Math.abs(delta).toExponential(significant - 1)}`;
  }
  if (log >= -3 && log < 6) {
    const value = Math.pow(10, log);
    let decimals = Math.max(0, significant - 1 - Math.floor(log));
    let scaled = roundedAt(value, decimals);
    // A value just below a power of ten rounds up to it (99.99 to "100.0"): one decimal fewer
    // keeps the number of significant digits.
    if (decimals > 0 && scaled >= POWERS_OF_TEN[significant]) {
      decimals -= 1;
      scaled = roundedAt(value, decimals);
    }
    // A value that is not 1 must not print as "1.00" ("1.00^2000 = 2934"). Outside the
    // distance-from-1 form above it differs from 1 by at least 4.6e-4, so 4 decimals suffice.
    while (Math.abs(log) >= NEAR_ONE_LOG10 && scaled === POWERS_OF_TEN[decimals] && decimals < 4) {
      decimals += 1;
      scaled = roundedAt(value, decimals);
    }
    return withPoint(scaled, decimals);
  }
  if (Math.abs(log) >= MANTISSA_LOG_LIMIT) {
    // A double stores log10 W = 4.1e14 to 0.06, which leaves the mantissa 10^0.06 = 15% adrift.
    return `10^(${log.toExponential(significant - 1)})`;
  }
  let exponent = Math.floor(log);
  let mantissa = Math.pow(10, log - exponent);
  let scaled = roundedAt(mantissa, significant - 1);
  // A mantissa just below 10 rounds up to it, and the exponent grows by one.
  if (scaled >= POWERS_OF_TEN[significant]) {
    exponent += 1;
    mantissa /= 10;
    scaled = roundedAt(mantissa, significant - 1);
  }
  const sign = exponent < 0 ? '-' : '+';
  return `${withPoint(scaled, significant - 1)}e${sign}${Math.abs(exponent)}`;
}

/** |log10| from which the mantissa of a magnitude is not written; see formatLog10. */
export const MANTISSA_LOG_LIMIT = 1e12;

/**
 * Formats a log10 value itself ("log10 W = -2.6760"): four decimals, more where it would print
 * like one of `apartFrom` (a band edge's log10) without being it, and scientific notation where
 * four decimals would show no digit or too many.
 */
export function formatLogValue(log: number, apartFrom: readonly number[] = []): string {
  if (log === 0) return '0';
  if (Math.abs(log) >= 1e6 || Math.abs(log) < 5e-5) return log.toExponential(4);
  let text = log.toFixed(4);
  for (let decimals = 5; decimals <= 15 && apartFrom.some((other) => other !== log && other.toFixed(decimals - 1) === text); decimals++) {
    text = log.toFixed(decimals);
  }
  return text;
}

/** 10^0 to 10^20, exact in a double up to 10^22. */
const POWERS_OF_TEN = Array.from({ length: 21 }, (_, power) => 10 ** power);

/**
 * Returns the digits of value.toFixed(decimals) as a whole number ("12.34" as 1234) for a positive
 * value whose digits fit in 15. It rounds the product with 10^decimals, and calls toFixed only
 * where the product cannot decide. toFixed calls into the runtime, and it took half the time of
 * the smoothness findings, which a repeated model has for each of thousands of layers.
 */
function roundedAt(value: number, decimals: number): number {
  const product = value * POWERS_OF_TEN[decimals];
  const whole = Math.floor(product);
  const fraction = product - whole;
  // Below 10^9 the product is within 1.2e-7 of the exact one, whose rounding toFixed prints, so
  // only a fraction that close to one half could round the other way.
  if (product < 1e9 && Math.abs(fraction - 0.5) > 1e-6) return fraction > 0.5 ? whole + 1 : whole;
  return Number(value.toFixed(decimals).replace('.', ''));
}

/** Writes a whole number of 10^-decimals as toFixed does: (1234, 2) as "12.34", (5, 3) as "0.005". */
function withPoint(scaled: number, decimals: number): string {
  const digits = String(scaled);
  if (decimals === 0) return digits;
  const point = digits.length - decimals;
  return point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
}

/** Maximum significant digits that formatApart prints, because a double stores about 16. */
const MAX_APART_DIGITS = 15;

/**
 * Formats log magnitudes at one number of significant digits, the fewest from `significant` up
 * to MAX_APART_DIGITS at which no two different values print alike. A value compared with a bound
 * then never reads as equal to it ("1.10 is above 1.1"), nor the two ends of a range as each other
 * or as 1. Differences from 1 are shown at any size, because a bound on W_l near 1 is exact.
 */
export function formatApart(logs: readonly number[], significant = 3): { texts: string[]; digits: number } {
  let digits = significant;
  let texts = logs.map((log) => formatLog10(log, digits, true));
  while (digits < MAX_APART_DIGITS && texts.some((text, i) => texts.some((other, j) => j > i && other === text && logs[j] !== logs[i]))) {
    digits += 1;
    texts = logs.map((log) => formatLog10(log, digits, true));
  }
  return { texts, digits };
}

/** The smallest positive normal double, 2^-1022. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** Formats an ordinary finite number compactly, for gains, scales and bands. */
export function formatNumber(value: number, significant = 4): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) return String(Number(value.toPrecision(significant)));
  // Below 2^-1022 a double stores fewer digits, and toExponential prints the stored value's noise:
  // 1e-320 as 9.99988867182683e-321. The shortest text that reads back as the value is as written.
  if (magnitude < MIN_NORMAL) return String(value);
  // Trailing zeros of the mantissa go, as in the fixed form: 1e-20 prints as 1e-20, not 1.000e-20.
  return value.toExponential(significant - 1).replace(/\.?0+e/, 'e');
}
