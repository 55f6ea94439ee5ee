// Options the data commands share.
import { UsageError } from './io';

/** Parses --row-limit. */
export function rowLimitOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--row-limit must be a whole number of rows (got "${value}").`);
  return n;
}
