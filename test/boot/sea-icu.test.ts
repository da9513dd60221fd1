// The single executable carries English-only ICU data (scripts/sea-icu.mjs): a probe of every
// ICU-backed JavaScript API, built into an executable by scripts/build-sea.mjs like dist/kindling
// and run beside the full runtime it came from, answers the same in English, decodes every WHATWG
// encoding the same, and falls back to English or root for other locales instead of failing.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRun } from '../helpers/env.ts';
import { repo, run, SEA_ASSETS, seaBuildSetup } from './harness.ts';

const { runtime, missing } = await seaBuildSetup();
const available = canRun(`the single-executable ICU test (${missing})`, missing === '');
const BUILD_MS = 300_000;

interface Probe {
  english: Record<string, unknown>;
  text: { normalize: string[]; url: string; domains: string[]; segments: string[]; decodings: Record<string, string> } & Record<string, unknown>;
  other: { german: string[]; germanLocale: string; japanese: string; swedishCollation: string; supported: string[]; defaultFormat: string };
}

describe.skipIf(!available)('ICU data of the single executable', () => {
  let work: string;
  let exe: string;
  let full: Probe;
  let trimmed: Probe;
  const probe = join(repo, 'test', 'boot', 'fixtures', 'icu-probe.cjs');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kindling-icu-'));
    const main = join(work, 'main.cjs');
    copyFileSync(probe, main);
    // build-sea embeds the Terraform provider's bundles and the transpiler's beside the main one; the probe needs none.
    for (const name of SEA_ASSETS) writeFileSync(join(work, name), '');
    exe = join(work, 'probe');
    await run(process.execPath, ['scripts/build-sea.mjs'], { cwd: repo, env: { KINDLING_SEA_NODE: runtime, KINDLING_SEA_OUT: exe, KINDLING_SEA_BUNDLE: main } });
    const env = { PATH: '/usr/bin:/bin', TZ: 'UTC' };
    full = JSON.parse(await run(runtime ?? '', [probe], { env, extendEnv: false })) as Probe;
    trimmed = JSON.parse(await run(exe, [], { env, extendEnv: false })) as Probe;
  }, BUILD_MS);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('English formatting, collation and display names are those of the full data', () => {
    expect(trimmed.english).toEqual(full.english);
    expect(trimmed.english.dateTime).toBe('Monday, January 15, 2024 at 8:05:09 AM EST');
  });

  test('normalization, IDNA, segmentation, RegExp properties, case mapping and TextDecoder are unchanged', () => {
    expect(trimmed.text).toEqual(full.text);
    expect(trimmed.text.normalize).toEqual(['c5', '41+30a', '66+69', '41+30a']);
    expect(trimmed.text.url).toBe('https://xn--bcher-kva.example/%C3%9F');
    // The Chinese and Japanese dictionary (kept with brkitr/ja) splits the Han and kana run.
    expect(trimmed.text.segments[2]).toBe('今日|は|良い|天気');
    expect(Object.keys(trimmed.text.decodings)).toHaveLength(40);
  });

  test('the full runtime really formats other locales, so the fallbacks below are the trim', () => {
    expect(full.other.german).toEqual(['Montag, 15. Januar 2024', '1.234,5']);
    expect(full.other.supported).toEqual(['de', 'en-GB', 'fr', 'en']);
  });

  test('other locales fall back to English (or root collation) instead of failing', () => {
    expect(trimmed.other.german).toEqual(['Monday, January 15, 2024', '1,234.5']);
    expect(trimmed.other.germanLocale).toBe('en-US');
    expect(trimmed.other.japanese).toBe('United States');
    expect(trimmed.other.swedishCollation).toBe('aäz');
    // res_index lists only the kept locales, so Intl does not claim the others.
    expect(trimmed.other.supported).toEqual(['en-GB', 'en']);
  });

  test('a non-English default locale from the environment still runs', async () => {
    const env = { PATH: '/usr/bin:/bin', TZ: 'UTC', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' };
    const german = JSON.parse(await run(exe, [], { env, extendEnv: false })) as Probe;
    expect(german.english).toEqual(full.english);
    expect(german.other.defaultFormat).not.toContain('1.234,5');
  });
});
