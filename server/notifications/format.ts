// How numbers read in notification texts: money as "$0.49", counts as "49,135 examples" or "1 error".
const cents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const tenthsOfCents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 3, maximumFractionDigits: 3 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** An exact decimal amount in USD rounded to the cent ("0.485333" → "$0.49"); below a cent to a tenth of one ("$0.003"). */
export function formatUsd(amount: string | number): string {
  const n = Math.abs(Number(amount));
  if (n === 0 || n >= 0.0095) return cents.format(Number(amount));
  return n < 0.0005 ? 'under $0.001' : tenthsOfCents.format(Number(amount));
}

/** 49135, "example" → "49,135 examples"; 1, "error" → "1 error". */
export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${integer.format(n)} ${n === 1 ? singular : plural}`;
}
