// The one interface every platform provider implements, and the context the engine hands it.
// Providers return raw config text (or nothing) and Afterburn-style metadata; parsing, merging
// and validating stay with the engine.
import type { FetchContext } from '../resource/context.ts';
import type { DeviceContext } from '../system/devices.ts';

export interface ProviderContext {
  /** The fetcher's settings: offline mode (fetch-offline), timeouts, retry clock, line logger. */
  fetch: FetchContext;
  /** exec, tools and logger for mounting config drives and running helper tools. */
  device: DeviceContext;
  env: NodeJS.ProcessEnv;
  /**
   * Base addresses of metadata services, keyed like the fetcher's endpoints (AWS_METADATA,
   * AZURE_METADATA, ...); a key here wins over `KINDLING_TEST_ENDPOINT_<NAME>` in `env`.
   */
  endpoints: Record<string, string>;
  /** Root under which /sys and /dev paths are read (fw_cfg, bootfifo, virtio-ignition); `/` in production. */
  sysRoot: string;
  /** Where config drives are mounted while they are read (a fresh directory is made under it). */
  mountDir: string;
}

/** A user config as a provider found it, before parsing. */
export interface FetchedConfig {
  /** Decoded bytes as text (base64 and gzip already undone). */
  text: string;
  /** Where it came from, for logs and the `fetched user config from "..."` journal entry. */
  source: string;
}

/** Afterburn's view of an instance. Attribute keys lack the AFTERBURN_ prefix (AWS_HOSTNAME, ...). */
export interface Metadata {
  attributes: Record<string, string>;
  sshKeys: string[];
  hostname?: string;
}

export interface Provider {
  /** Upstream's platform id (ignition.platform.id). */
  id: string;
  /**
   * The user config, or undefined when the platform has none. Throws a ProvisionError; NEED_NET
   * when ctx.fetch.offline is set and the provider would need the network.
   */
  fetchConfig(ctx: ProviderContext): Promise<FetchedConfig | undefined>;
  /** Afterburn-style metadata, where the platform has it. */
  metadata?(ctx: ProviderContext): Promise<Metadata>;
  /** Tells the platform the machine has booted (Azure ready report, Scaleway state, Packet phone-home). */
  checkIn?(ctx: ProviderContext): Promise<void>;
  /** Reports a stage's outcome to the platform (upstream's Status hook; only Packet has one). */
  status?(ctx: ProviderContext, stage: string, error: Error | undefined): Promise<void>;
  /** Erases the config from the platform after provisioning (upstream's DelConfig: VMware, VirtualBox). */
  deleteConfig?(ctx: ProviderContext): Promise<void>;
}
