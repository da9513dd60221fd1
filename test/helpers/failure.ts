// Awaits something that must fail with a ProvisionError and returns that error, so a test can
// assert its code and config path; anything else (success, another error) fails the test.
import { ProvisionError } from '../../src/report.ts';

export async function failure(run: () => Promise<unknown>): Promise<ProvisionError> {
  try {
    await run();
  } catch (error) {
    if (ProvisionError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a ProvisionError');
}
