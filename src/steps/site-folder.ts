// The frontend's build folder on disk: built (frontend.build), read, and described as the objects it becomes, each
// with its content hash, content type and caching rule. Local only: errors here exit 2 before any AWS call.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import mime from 'mime-types'
import { ConfigError } from '../errors/index.js'
import type { SiteFile } from '../resources/s3/site-files.js'

/** Fingerprinted assets never change under their name: browsers and CloudFront may keep them a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (HTML, config.js, favicon) is revalidated on every load, so a deploy shows at once. */
export const REVALIDATE = 'no-cache'

// A content hash in the file name, as bundlers write it: `app.3f9a1c2e.js` (hex, webpack) or `index-B4x9_kQz.js`
// (Vite/Rollup: 8 base64url characters). A letters-only segment without a digit is taken for a word, not a hash.
const FINGERPRINT = /[.-](?:[0-9a-f]{8,}|(?=[\w-]*\d)[\w-]{8,})\.[a-z0-9]+$/i

export function cacheControlFor(key: string): string {
  const base = path.posix.basename(key)
  return !/\.html?$/i.test(base) && FINGERPRINT.test(base) ? IMMUTABLE : REVALIDATE
}

export function contentTypeFor(key: string): string {
  return mime.contentType(path.posix.basename(key)) || 'application/octet-stream'
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

/** How to fix a missing or empty folder: the configured build command, or how to configure one. */
function buildAdvice(build: string | undefined): string {
  return build
    ? `\`${build}\` (frontend.build) ran but did not fill it; check where it writes its output`
    : 'build the frontend first (e.g. `npm run build`), or set frontend.build to the command that does'
}

/** Every file of the folder as the object it becomes (keys use `/`, relative to the folder). */
export async function readSiteFolder(dir: string, source: string, build?: string): Promise<Record<string, SiteFile>> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  )
  const files = isDir ? await filesUnder(dir) : []
  if (files.length === 0) {
    throw new ConfigError(
      'FrontendSourceMissing',
      `frontend.source: the folder ${source} (${dir}) ${isDir ? 'is empty' : 'does not exist'}`,
      { hint: `${buildAdvice(build)}, then rerun.` },
    )
  }
  const out: Record<string, SiteFile> = {}
  for (const file of files) {
    const key = path.relative(dir, file).split(path.sep).join('/')
    out[key] = {
      sha256: sha256(await readFile(file)),
      contentType: contentTypeFor(key),
      cacheControl: cacheControlFor(key),
      source: { path: file },
    }
  }
  return out
}

// What a failed build's error shows of its output: the end is where the reason is.
const OUTPUT_TAIL_CHARS = 4000

/** Runs frontend.build in the config folder; its output is shown only when it fails. */
export function runBuild(command: string, cwd: string, log: (line: string) => void): Promise<void> {
  log(`building the frontend: ${command}`)
  return new Promise((resolve, reject) => {
    const child = spawn(command, { cwd, shell: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', (e) => reject(buildFailed(command, e.message, output)))
    child.on('close', (code, signal) => {
      if (code === 0) resolve()
      else reject(buildFailed(command, signal ? `killed by ${signal}` : `exit code ${code}`, output))
    })
  })
}

function buildFailed(command: string, reason: string, output: string): ConfigError {
  const shown = output.trim() ? `\n${output.trim()}` : ' (it printed nothing)'
  return new ConfigError('FrontendBuildFailed', `frontend.build: \`${command}\` failed (${reason})${shown}`, {
    hint: 'Fix the build (run the command yourself to see it), then rerun; nothing was sent to AWS.',
  })
}
