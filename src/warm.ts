// The modules the single executable's startup snapshot holds already evaluated (src/main.ts).
// Only modules whose top level is pure belong here: anything read at load time (environment,
// uid, clock, random numbers, open handles) would be frozen at build time. Each entry reads the
// process state it needs when called, never when loaded. Node's snapshot builder cannot serialise
// node:http, node:https or node:tls, so the network gates load those on first use
// (process.getBuiltinModule), and undici and the Terraform provider stay out entirely: they load
// when a request or the provider needs them, as in the npm bins. node:zlib and node:dgram load on
// first use the same way, though the builder could hold them: every process deserializes the whole
// heap, and only compressed resources and TFTP need those two. node:crypto and node:child_process
// stay in: the fetch and files stages use them on every boot, and loading crypto at run time cost
// those stages more than deserializing it costs `version`.

export async function warm(): Promise<void> {
  await Promise.all([
    import('./cli/validate.ts'),
    import('./cli/butane.ts'),
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
}
