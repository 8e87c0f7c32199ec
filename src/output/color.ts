// Colours on a terminal only: none when piped, none with NO_COLOR (https://no-color.org); FORCE_COLOR forces them.
export type Colour = 'green' | 'yellow' | 'red' | 'dim'
export type Paint = (text: string, colour: Colour) => string

const CODES: Record<Colour, [number, number]> = { green: [32, 39], yellow: [33, 39], red: [31, 39], dim: [2, 22] }

export const plain: Paint = (text) => text
export const ansi: Paint = (text, colour) => `\u001b[${CODES[colour][0]}m${text}\u001b[${CODES[colour][1]}m`

export function wantsColour(stream: { isTTY?: boolean } = process.stdout, env = process.env): boolean {
  if (env.NO_COLOR) return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true
}

/** The paint for stdout as it is now. */
export function stdoutPaint(): Paint {
  return wantsColour() ? ansi : plain
}
