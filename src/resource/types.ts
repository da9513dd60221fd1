// The shapes the fetcher works on: a config Resource (ignition-spec.md §2) and what a fetch yields.
// Declared structurally so any spec version's generated type fits without a conversion step.
import type { ConfigPath } from '../report.ts';

export interface HttpHeader {
  name?: string;
  value?: string | null;
}

export interface Resource {
  source?: string | null;
  compression?: string | null;
  httpHeaders?: readonly HttpHeader[] | null;
  verification?: { hash?: string | null } | null;
}

/** A resource plus where it sits in the config, so every failure can name its JSON path. */
export interface ResourceRef {
  resource: Resource;
  path: ConfigPath;
}

/** A fetched, decompressed and verified resource in a temporary file the caller now owns. */
export interface FetchedFile {
  file: string;
  size: number;
}
