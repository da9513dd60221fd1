// The platforms whose provider has a Status hook (providers/types.ts), named apart from the
// provider table: every stage process would otherwise load every provider and network client just
// to learn that its platform has no hook (13-17 ms of CPU per stage, more under emulation). A test
// keeps this list equal to the table's.
export const STATUS_PLATFORMS: ReadonlySet<string> = new Set(['packet']);
