// Numbers as language-independent features: "1 000", "1.000" and "1,000" are one number,
// "3,5" and "3.5" too. Years and counts are strong evidence that two reports agree.

/** Canonical form of a number token, or undefined when it is not one. */
export function normaliseNumber(token: string): string | undefined {
  const compact = token.replace(/[\u00a0\u202f ]/g, '');
  if (!/^\d/.test(compact)) return undefined;
  // Groups of exactly three digits after a separator are thousands ("1.000", "1,000,000").
  if (/^\d{1,3}([.,])\d{3}(\1\d{3})*$/.test(compact)) return String(Number(compact.replace(/[.,]/g, '')));
  const decimal = compact.replace(',', '.');
  if (/^\d+(\.\d+)?$/.test(decimal)) {
    const value = Number(decimal);
    return Number.isFinite(value) ? String(value) : undefined;
  }
  return undefined;
}
