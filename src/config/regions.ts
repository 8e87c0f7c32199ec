// Which regions exist, as the AWS SDK's endpoint data knows them: a well-formed but unknown region ("us-eest-1")
// would otherwise fail later, at the first call, as a DNS error.
import { partition } from '@aws-sdk/core/client'

// Region names are <area>-<direction>-<number>; the SDK exposes a lookup, not the list, so the list is every name of
// that shape the lookup knows.
const AREAS = [
  'us',
  'eu',
  'ap',
  'sa',
  'ca',
  'me',
  'af',
  'il',
  'mx',
  'cn',
  'us-gov',
  'us-iso',
  'us-isob',
  'eu-isoe',
  'us-isof',
]
const DIRECTIONS = ['east', 'west', 'north', 'south', 'central', 'northeast', 'northwest', 'southeast', 'southwest']
const MAX_NUMBER = 9

/** The SDK lists the region (a lookup that only matches the partition's pattern carries no description). */
export function isKnownRegion(region: string): boolean {
  // The partition's outputs merged with the region's own entry, which only a listed region has.
  const found = partition(region) as { description?: string }
  return found.description !== undefined
}

let known: string[] | undefined

/** Every region the SDK lists, for "did you mean". */
export function knownRegions(): string[] {
  known ??= AREAS.flatMap((area) =>
    DIRECTIONS.flatMap((direction) => Array.from({ length: MAX_NUMBER }, (_, i) => `${area}-${direction}-${i + 1}`)),
  ).filter(isKnownRegion)
  return known
}
