// The modules the single executable's startup snapshot holds already evaluated (src/main.ts).
// Only modules whose top level is pure belong here: anything read at load time (environment,
// uid, clock, random numbers, open handles) would be frozen at build time. Each entry reads the
// process state it needs when called, never when loaded. Node's snapshot builder cannot serialise
// node:http, node:https or node:tls, so the network gates load those on first use
// (process.getBuiltinModule), and undici and the Terraform provider stay out entirely: they load
// when a request or the provider needs them, as in the npm bins. node:zlib loads on first use the
// same way, though the builder could hold it: every process deserializes the whole heap, and only
// compressed resources need it. node:child_process (with node:dgram, which it loads and TFTP uses)
// is in: the files stage runs useradd on most first boots, and compiling the module from source
// there cost about 0.14 s of the stage inside the emulated guest, while holding it costs `version`
// no measurable time (bench/RESULTS.md, "Boot to provisioned"). node:crypto stays out: its 19
// modules cost every process about 2.3 ms of CPU to deserialize, and loading them costs the
// process that needs them about 12 ms on the host; so no stage needs them unless it verifies a
// hash, fetches over HTTP, makes a LUKS key or signs an S3 request (the config cache and the files
// stage's journal use file stamps, temp names a small hash), and `warm` fails the build if
// anything loaded it. The transpiler and undici are not in this bundle at all (scripts/build.mjs).

export async function warm(): Promise<void> {
  // src/system/exec.ts looks it up when a stage first runs a tool: in this heap, it is there.
  process.getBuiltinModule('node:child_process');
  await Promise.all([
    import('./cli/validate.ts'),
    import('./cli/run.ts'),
    import('./engine/run.ts'),
    import('./engine/parse.ts'),
    import('./engine/fetch-stage.ts'),
    import('./engine/acquire.ts'),
    import('./providers/index.ts'),
    import('./resource/index.ts'),
    import('./cli/metadata.ts'),
    import('./resource/inline.ts'),
    import('./stages/kargs.ts'),
    import('./stages/disks/index.ts'),
    import('./stages/mount.ts'),
    import('./stages/files/index.ts'),
    import('./stages/umount.ts'),
  ]);
  await exercise();
  await exerciseCli();
  // Node lists every built-in module a process has loaded there (not in its typings).
  if ((process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes('NativeModule crypto')) {
    throw new Error('warm: node:crypto was loaded while building the snapshot; load it on first use (process.getBuiltinModule)');
  }
}

/**
 * Runs `version` and `validate` of the sample on standard input once, into memory: their entry
 * functions are compiled only when called, so otherwise every `validate` compiles them again
 * (bench/RESULTS.md, "Start-up of the single executable"). Nothing outside the process is read
 * or written.
 */
async function exerciseCli(): Promise<void> {
  const { invokedAs, main } = await import('./cli/dispatch.ts');
  let written = '';
  const sink = { write: (chunk: string): boolean => ((written += chunk), true) };
  const input = (text: string): NodeJS.ReadableStream =>
    (async function* () {
      yield Buffer.from(text);
    })() as unknown as NodeJS.ReadableStream;
  const as = invokedAs('kindling', undefined);
  for (const argv of [['version'], ['validate', '-']]) {
    const code = await main(argv, { stdin: input(JSON.stringify(SAMPLE)), stdout: sink, stderr: sink }, as);
    if (code !== 0) throw new Error(`warm: \`${argv.join(' ')}\` of the sample exited ${code}: ${written}`);
  }
}

/**
 * Runs the config pipeline of every boot (parse and validate, merge onto the base, check, serialise
 * for the cache) once on a small config: V8 compiles a function on its first call, and the snapshot
 * keeps what is compiled, so the stages and `validate` start with that code ready instead of
 * compiling it in every process (bench/RESULTS.md). Pure functions of a constant: nothing of the
 * build machine is read.
 */
async function exercise(): Promise<void> {
  const [{ checkConfig, parseConfig }, { mergeConfigs }, { serializeConfig }, { emptyConfig }, { idleStages }, { SPEC_VERSIONS }] = await Promise.all([
    import('./config/index.ts'),
    import('./config/merge.ts'),
    import('./config/serialize.ts'),
    import('./engine/base.ts'),
    import('./engine/idle.ts'),
    import('./config/versions.ts'),
  ]);
  // The sample at every released spec version from its own on: each version has its own schema
  // tree, whose name tables are built on first use, and the translation steps differ.
  for (const version of SPEC_VERSIONS.slice(SPEC_VERSIONS.findIndex((v) => v === SAMPLE.ignition.version)).filter((v) => !v.includes('experimental'))) {
    if (parseConfig(JSON.stringify({ ...SAMPLE, ignition: { version } })).config === undefined) throw new Error(`warm: the sample config does not validate as ${version}`);
  }
  const { config } = parseConfig(JSON.stringify(SAMPLE));
  if (config === undefined) throw new Error('warm: the sample config does not validate');
  const final = mergeConfigs(emptyConfig(), config) as typeof config;
  checkConfig(final);
  idleStages(final);
  serializeConfig(config, { pretty: false, style: 'ignition' });
}

/** What a first boot commonly asks for: files, a directory, a link, units, a user and a group. */
const SAMPLE = {
  ignition: { version: '3.3.0' },
  storage: {
    files: [
      { path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: 'data:,host%0A' } },
      { path: '/etc/app.conf', mode: 384, user: { name: 'core' }, contents: { source: 'data:;base64,YT0xCg==', verification: { hash: 'sha256-' + '0'.repeat(64) } } },
    ],
    directories: [{ path: '/var/lib/app', mode: 493 }],
    links: [{ path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' }],
  },
  systemd: {
    units: [
      { name: 'app.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n\n[Install]\nWantedBy=multi-user.target\n' },
      { name: 'getty@.service', dropins: [{ name: 'autologin.conf', contents: '[Service]\nTTYVTDisallocate=no\n' }] },
    ],
  },
  passwd: {
    users: [{ name: 'core', groups: ['wheel'], sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey core@host'] }],
    groups: [{ name: 'app', gid: 1500 }],
  },
};
