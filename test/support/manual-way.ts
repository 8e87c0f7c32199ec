// Resources "made the manual's way": what infra made, without the ownership tags infra adds (the manual's scripts
// tag nothing). Works on any fake's saved state: tag maps lose the keys, tag lists lose the entries.
const OWNERSHIP_TAGS = new Set(['managed-by', 'infra:service', 'infra:env'])

export function withoutOwnershipTags(state: unknown): unknown {
  if (Array.isArray(state))
    return state
      .filter((item) => !(item && typeof item === 'object' && OWNERSHIP_TAGS.has(String(item.Key ?? item.key))))
      .map(withoutOwnershipTags)
  if (!state || typeof state !== 'object') return state
  return Object.fromEntries(
    Object.entries(state)
      .filter(([key, value]) => !(OWNERSHIP_TAGS.has(key) && typeof value === 'string'))
      .map(([key, value]) => [key, withoutOwnershipTags(value)]),
  )
}
