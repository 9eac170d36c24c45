// Pieces of the Prometheus text exposition format (version 0.0.4) shared by the renderers.

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_SPECIALS = /[\\"\n]/;
const HELP_SPECIALS = /[\\\n]/;

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Escapes backslash, double quote and newline, the three characters the format reserves in label values. */
export function escapeLabelValue(value: string): string {
  if (!LABEL_SPECIALS.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes only backslash and newline. */
export function escapeHelp(text: string): string {
  if (!HELP_SPECIALS.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/**
 * Formats a sample value the way Envoy's Prometheus admin handler does (`{:.32g}`): up to 32
 * significant digits, trailing zeros dropped, so a histogram sum of 4.05 prints as
 * 4.0499999999999998223643160599750 and a bucket bound of 0.5 as 0.5.
 */
export function formatSampleValue(x: number): string {
  if (Number.isSafeInteger(x)) return String(x);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const exponential = x.toExponential(31);
  const e = exponential.indexOf('e');
  const exponent = Number(exponential.slice(e + 1));
  if (exponent < -4 || exponent >= 32) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${stripFraction(exponential.slice(0, e))}e${sign}${digits}`;
  }
  return stripFraction(x.toPrecision(32));
}

function stripFraction(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (s.charCodeAt(end - 1) === 46 /* . */) end--;
  return s.slice(0, end);
}
