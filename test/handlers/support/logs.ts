// Captures the handlers' JSON log lines (written to stdout) for the duration of a test.
import { vi } from 'vitest'

export function captureLogs(): { lines: () => Record<string, unknown>[]; raw: () => string; restore: () => void } {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    written.push(String(chunk))
    return true
  })
  return {
    raw: () => written.join(''),
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line)),
    restore: () => spy.mockRestore(),
  }
}
