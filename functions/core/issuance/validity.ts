/** Clock-skew allowance: certificates start an hour before they are signed (BRs allow up to 48 hours). */
const BACKDATE_MS = 60 * 60 * 1000;

/** The notBefore of a certificate signed at `now`: backdated, on a whole second. */
export function backdatedNotBefore(now: Date): Date {
  return new Date(Math.floor((now.getTime() - BACKDATE_MS) / 1000) * 1000);
}
