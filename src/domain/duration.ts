/**
 * Durations as people write them in the organisation file: `15m`, `4h`, `1h30m`, `3d`, or a bare number of
 * minutes. A day is always 24 hours of the clock being counted: on a business-hours clock `3d` is 72 working
 * hours, not three working days, so the example file writes business targets in hours to avoid the surprise.
 */
import { z } from 'zod';

const DURATION = /^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$/i;

/** Minutes in `15m` / `4h` / `1h30m` / `3d` / `90`; null when the text is not a duration. */
export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = DURATION.exec(trimmed);
  if (!match || trimmed === '' || (!match[1] && !match[2] && !match[3])) return null;
  return Number(match[1] ?? 0) * 24 * 60 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** Minutes shown the way the file writes them: `15m`, `4h`, `1h 30m`, `3d`. */
export function formatDuration(minutes: number): string {
  const whole = Math.round(minutes);
  if (whole === 0) return '0m';
  const days = Math.floor(whole / 1440);
  const hours = Math.floor((whole % 1440) / 60);
  const mins = whole % 60;
  return [days && `${days}d`, hours && `${hours}h`, mins && `${mins}m`].filter(Boolean).join(' ');
}

/** A duration field: accepts `4h`-style text or whole minutes, outputs minutes. */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const minutes = parseDuration(value);
  if (minutes === null) {
    ctx.addIssue({
      code: 'custom',
      message: `"${String(value)}" is not a duration; write minutes (90), or 15m, 4h, 1h30m, 3d`,
    });
    return z.NEVER;
  }
  return minutes;
});
