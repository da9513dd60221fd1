// A LUKS2 volume opened through device-mapper with a key file (root, loop devices, dm-crypt;
// CI's kernel has no device-mapper, so there the QEMU guest of test/boot/raid-luks.test.ts covers it,
// with a keyFile and a generated key, crypttab and /etc/luks checked on the root). Formatting and
// the reuse rules without device-mapper are covered in test/stages/disks/luks.test.ts.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Config } from '../../src/stages/context.ts';
import { runDisks } from '../../src/stages/disks/index.ts';
import { canRun, kernelHas } from '../helpers/env.ts';
import { testContext } from '../stages/disks/context.ts';
import { attach, blkid, cleanUp, dmAvailable, loopAvailable, makeImage, newScratch, uniqueTag, type Scratch } from './loop.ts';
import { runSync } from '../helpers/process.ts';

let scratch: Scratch;
beforeEach(() => {
  scratch = newScratch();
});
afterEach(() => cleanUp(scratch));

describe.runIf(canRun('root with loop devices', loopAvailable) && kernelHas('device-mapper', dmAvailable))('LUKS', () => {
  test('a key file formats and opens the volume with discards; the key is handed on for the files stage', async () => {
    const name = `k${uniqueTag()}`;
    const loop = attach(scratch, makeImage(scratch, 'disk.img', 64));
    scratch.mappings.push(name);
    const key = Buffer.from('a key from a data url');
    const outcome = await runDisks(
      {
        ignition: { version: '3.7.0-experimental' },
        storage: {
          luks: [
            {
              name,
              device: loop,
              label: 'secret',
              keyFile: { source: 'data:,a%20key' },
              discard: true,
              options: ['--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000'],
            },
          ],
          filesystems: [{ device: `/dev/mapper/${name}`, format: 'ext4', label: 'inside' }],
        },
      } as Config,
      testContext('/', { 'data:,a%20key': key }),
    );
    expect(blkid(loop)).toMatchObject({ TYPE: 'crypto_LUKS', LABEL: 'secret' });
    expect(runSync('cryptsetup', ['status', name], { check: true }).stdout).toMatch(/discards/);
    expect(blkid(`/dev/mapper/${name}`)).toMatchObject({ TYPE: 'ext4', LABEL: 'inside' });
    expect(outcome.luksKeys).toEqual({ [name]: key.toString('base64') });
  });
});
