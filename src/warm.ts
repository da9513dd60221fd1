// The modules the single executable's startup snapshot holds already evaluated (src/main.ts).
// Only modules whose top level is pure belong here: anything read at load time (environment,
// uid, clock, random numbers, open handles) would be frozen at build time. Each entry reads the
// process state it needs when called, never when loaded. The fetcher, the providers and the
// Terraform provider stay out: they load node:http, node:tls and their clients at the top level,
// which Node's snapshot builder cannot serialise (it aborts on their handles), so the fetch
// stages and `metadata` load them on first use, as the npm bins do.

export async function warm(): Promise<void> {
  await Promise.all([
    import('./cli/validate.ts'),
    import('./cli/butane.ts'),
    import('./cli/run.ts'),
    import('./engine/run.ts'),
    import('./engine/parse.ts'),
    import('./resource/inline.ts'),
    import('./stages/kargs.ts'),
    import('./stages/disks/index.ts'),
    import('./stages/mount.ts'),
    import('./stages/files/index.ts'),
    import('./stages/umount.ts'),
  ]);
}
