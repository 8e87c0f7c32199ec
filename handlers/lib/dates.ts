// Calendar days as 'YYYY-MM-DD' in UTC: the usage table's sort key.
const DAY_MS = 86_400_000
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/

export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10)
}

/** The date, or undefined when the text is not a real calendar day in YYYY-MM-DD form. */
export function parseDate(text: string): Date | undefined {
  if (!DATE_PATTERN.test(text)) return undefined
  const at = new Date(`${text}T00:00:00.000Z`)
  return Number.isNaN(at.getTime()) || utcDate(at) !== text ? undefined : at
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS)
}

/** Days from `from` to `to`, both included. */
export function daysInclusive(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1
}
