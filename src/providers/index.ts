// The table of platforms: upstream's platform id -> provider, plus Flatcar's legacy no-op OEM
// platforms. The engine looks providers up here and nowhere else.
import { akamai } from './akamai.ts';
import { aliyun } from './aliyun.ts';
import { aws } from './aws.ts';
import { azure, azurestack } from './azure.ts';
import { cloudstack } from './cloudstack.ts';
import { digitalocean } from './digitalocean.ts';
import { ibmcloud, kubevirt, nutanix, powervs, proxmoxve } from './drive-platforms.ts';
import { exoscale } from './exoscale.ts';
import { file } from './file.ts';
import { gcp } from './gcp.ts';
import { hetzner } from './hetzner.ts';
import { hyperv } from './hyperv.ts';
import { metal, noConfigPlatform } from './metal.ts';
import { nvidiabluefield } from './nvidiabluefield.ts';
import { brightbox, openstack } from './openstack.ts';
import { oraclecloud } from './oraclecloud.ts';
import { packet } from './packet.ts';
import { qemu } from './qemu.ts';
import { scaleway } from './scaleway.ts';
import type { Provider } from './types.ts';
import { unsupportedPlatform } from './unsupported.ts';
import { upcloud } from './upcloud.ts';
import { virtualbox } from './virtualbox.ts';
import { vmware } from './vmware.ts';
import { vultr } from './vultr.ts';

export type { FetchedConfig, Metadata, Provider, ProviderContext } from './types.ts';

export const PROVIDERS: Readonly<Record<string, Provider>> = {
  akamai,
  aliyun,
  applehv: unsupportedPlatform('applehv', 'the config is served over AF_VSOCK, which Kindling cannot open'),
  aws,
  azure,
  azurestack,
  brightbox,
  cloudstack,
  digitalocean,
  exoscale,
  file,
  gcp,
  hetzner,
  hyperv,
  ibmcloud,
  kubevirt,
  metal,
  nutanix,
  nvidiabluefield,
  openstack,
  oraclecloud,
  packet,
  powervs,
  proxmoxve,
  qemu,
  scaleway,
  upcloud,
  virtualbox,
  vmware,
  vultr,
  zvm: unsupportedPlatform('zvm', 'reading the z/VM reader (vmur) is not implemented'),
  // Flatcar keeps these OEM ids registered without a config source of their own.
  cloudsigma: noConfigPlatform('cloudsigma'),
  rackspace: noConfigPlatform('rackspace'),
  'rackspace-onmetal': noConfigPlatform('rackspace-onmetal'),
  vagrant: noConfigPlatform('vagrant'),
};

export function getProvider(id: string): Provider | undefined {
  return Object.hasOwn(PROVIDERS, id) ? PROVIDERS[id] : undefined;
}

export function platformIds(): string[] {
  return Object.keys(PROVIDERS).sort();
}
