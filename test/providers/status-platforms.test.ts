// The engine decides from STATUS_PLATFORMS alone whether to load the provider table for the status
// report, so the list must name exactly the providers that have a Status hook.
import { expect, test } from 'vitest';
import { getProvider, platformIds } from '../../src/providers/index.ts';
import { STATUS_PLATFORMS } from '../../src/providers/status-platforms.ts';

test('STATUS_PLATFORMS names exactly the providers with a status hook', () => {
  const withHook = platformIds().filter((id) => getProvider(id)?.status !== undefined);
  expect(withHook.length).toBeGreaterThan(0);
  expect([...STATUS_PLATFORMS].sort()).toEqual(withHook.sort());
});
