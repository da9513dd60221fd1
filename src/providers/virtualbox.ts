// VirtualBox: the guest property /Ignition/Config read with VBoxControl (override the path with
// KINDLING_VBOXCONTROL). /Ignition/Config/Encoding must be absent or empty; a missing property
// means no config. DelConfig deletes both properties.
import { entry } from '../report.ts';
import type { Provider, ProviderContext } from './types.ts';
import { userDataToConfig } from './user-data.ts';

export const CONFIG_PROPERTY = '/Ignition/Config';
export const ENCODING_PROPERTY = '/Ignition/Config/Encoding';

function tool(ctx: ProviderContext): string {
  const override = ctx.env.KINDLING_VBOXCONTROL;
  return override === undefined || override === '' ? 'VBoxControl' : override;
}

/** `Value: <text>` from `VBoxControl guestproperty get`; undefined for "No value set!". */
async function property(ctx: ProviderContext, name: string): Promise<string | undefined> {
  const result = await ctx.device.exec(tool(ctx), ['--nologo', 'guestproperty', 'get', name], { reject: false }).catch((error: unknown) => {
    throw entry('error', 'PLATFORM_UNSUPPORTED', undefined, 'virtualbox', `cannot run ${tool(ctx)}: ${(error as Error).message}`);
  });
  if (result.exitCode < 0 || result.exitCode === 127) {
    throw entry('error', 'PLATFORM_UNSUPPORTED', undefined, 'virtualbox', `cannot run ${tool(ctx)}`);
  }
  const m = /^Value: ?(.*)$/ms.exec(result.stdout);
  if (result.exitCode !== 0 || m === null) return undefined;
  return m[1]!.replace(/\n$/, '');
}

export const virtualbox: Provider = {
  id: 'virtualbox',
  async fetchConfig(ctx) {
    const encoding = await property(ctx, ENCODING_PROPERTY);
    if (encoding !== undefined && encoding !== '') {
      throw entry('error', 'USER_DATA_ENCODING_UNSUPPORTED', undefined, `guest property ${CONFIG_PROPERTY}`, encoding);
    }
    const data = await property(ctx, CONFIG_PROPERTY);
    if (data === undefined) {
      ctx.device.log.info(`no config: guest property ${CONFIG_PROPERTY} is not set`);
      return undefined;
    }
    return userDataToConfig(ctx, Buffer.from(data, 'utf8'), `guest property ${CONFIG_PROPERTY}`);
  },
  async deleteConfig(ctx) {
    for (const name of [CONFIG_PROPERTY, ENCODING_PROPERTY]) {
      await ctx.device.exec(tool(ctx), ['--nologo', 'guestproperty', 'delete', name], { reject: false });
    }
  },
};
