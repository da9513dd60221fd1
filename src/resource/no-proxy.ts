// Chooses the proxy for a URL from ignition.proxy the way Go's standard matcher does: httpProxy for
// http://, httpsProxy for https:// only; noProxy entries (IP, CIDR, domain, .domain, *, optional
// :port) and loopback hosts bypass it. Proxy environment variables are deliberately ignored.
import { BlockList, isIP } from 'node:net';
import type { ProxySettings } from './context.ts';

export function proxyFor(target: URL, proxy: ProxySettings): string | undefined {
  const chosen = target.protocol === 'https:' ? proxy.httpsProxy : target.protocol === 'http:' ? proxy.httpProxy : undefined;
  if (chosen === undefined || chosen === null || chosen === '') return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port !== '' ? target.port : target.protocol === 'https:' ? '443' : '80';
  if (host === 'localhost' || isLoopback(host)) return undefined;
  const entries = (proxy.noProxy ?? []).filter((e): e is string => typeof e === 'string').join(',');
  return bypassed(host, port, entries) ? undefined : chosen;
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host);
  return false;
}

/** True when a comma-separated noProxy list exempts host:port from proxying. */
export function bypassed(host: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (cidrContains(entry, host)) return true;
      continue;
    }
    let entryPort = '';
    const hostPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (hostPort !== null && isIP(entry) === 0) {
      entry = hostPort[1]!;
      entryPort = hostPort[2]!;
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort !== '' && entryPort !== port) continue;
    if (isIP(entry) !== 0) {
      if (isIP(host) !== 0 && sameIp(entry, host)) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    const exactToo = !entry.startsWith('.');
    const suffix = exactToo ? `.${entry}` : entry;
    if (host.endsWith(suffix) || (exactToo && host === entry)) return true;
  }
  return false;
}

function sameIp(a: string, b: string): boolean {
  const list = new BlockList();
  list.addAddress(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  return list.check(b, isIP(b) === 6 ? 'ipv6' : 'ipv4');
}

function cidrContains(cidr: string, host: string): boolean {
  const [network, bits] = cidr.split('/');
  const family = isIP(network ?? '');
  const prefix = Number(bits);
  if (family === 0 || !Number.isInteger(prefix) || isIP(host) !== family) return false;
  const list = new BlockList();
  try {
    list.addSubnet(network!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
  return list.check(host, family === 6 ? 'ipv6' : 'ipv4');
}
