// A Matchbox stand-in for network-boot tests: it reads a Matchbox data directory the way
// poseidon/matchbox v0.9.0's file store does, on every request (profiles/<id>.json, groups/*.json,
// ignition/<name>, assets/), and answers the HTTP API iPXE and Ignition use: /boot.ipxe, /ipxe,
// /ignition, /assets/. docs/matchbox.md says what the real server does beyond this, version by
// version. Only 127.0.0.1; a QEMU guest on user networking reaches it as 10.0.2.2.
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

export interface Group {
  id: string;
  profile: string;
  selector: Record<string, string>;
}

export interface Profile {
  id: string;
  ignition_id?: string;
  boot?: { kernel?: string; initrd?: string[]; args?: string[] };
}

export interface MatchboxRequest {
  path: string;
  query: string;
  status: number;
}

export interface Matchbox {
  port: number;
  /** Every request answered, in order, with its status. */
  requests: MatchboxRequest[];
  /** Why requests were refused ("no matching group", ...), as Matchbox logs it. */
  log: string[];
  close(): Promise<void>;
}

/** The script every machine gets first (v0.9.0; v0.11.0 adds `&arch=${buildarch:uristring}`). */
export const BOOTSTRAP_IPXE =
  '#!ipxe\nchain ipxe?uuid=${uuid}&mac=${mac:hexhyp}&domain=${domain}&hostname=${hostname}&serial=${serial}\n';

/** Go's net.ParseMAC for 48-bit addresses (colon, hyphen or dotted form), printed as Go prints it. */
export function parseMac(text: string): string | undefined {
  let hex: string | undefined;
  if (/^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i.test(text)) hex = text.replace(/[:-]/g, '');
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(text)) hex = text.replaceAll('.', '');
  return hex?.toLowerCase().match(/../g)?.join(':');
}

/**
 * The request's labels: each query key with its first value; `mac` (any case) only when it parses,
 * normalised to colon form so that iPXE's `${mac:hexhyp}` matches a selector written with colons.
 */
export function labelsOf(query: URLSearchParams): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const key of new Set(query.keys())) {
    const value = query.get(key) ?? '';
    if (key.toLowerCase() === 'mac') {
      const mac = parseMac(value);
      if (mac !== undefined) labels[key] = mac;
    } else {
      labels[key] = value;
    }
  }
  return labels;
}

function requirementString(group: Group): string {
  return Object.entries(group.selector)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
}

/**
 * The group a machine belongs to: groups are tried from most selectors to fewest, ties broken by
 * their sorted `k=v` strings in reverse order; the first whose every selector equals a label wins,
 * so a group without selectors is the default.
 */
export function selectGroup(groups: Group[], labels: Record<string, string>): Group | undefined {
  const ordered = [...groups].sort((a, b) => {
    const byCount = Object.keys(b.selector).length - Object.keys(a.selector).length;
    if (byCount !== 0) return byCount;
    const [ra, rb] = [requirementString(a), requirementString(b)];
    return ra < rb ? 1 : ra > rb ? -1 : 0;
  });
  return ordered.find((g) => Object.entries(g.selector).every(([k, v]) => labels[k] === v));
}

/** The iPXE script for a profile, in the text Matchbox's template renders. */
export function ipxeScript(profile: Profile): string {
  const boot = profile.boot ?? {};
  const args = (boot.args ?? []).map((a) => ` ${a}`).join('');
  const initrds = (boot.initrd ?? []).map((i) => `\ninitrd ${i}`).join('');
  return `#!ipxe\nkernel ${boot.kernel ?? ''}${args}${initrds}\nboot\n`;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** Loads groups as the file store does: a file that does not parse, or lacks id or profile, is skipped. */
function loadGroups(data: string, log: string[]): Group[] {
  let names: string[];
  try {
    names = readdirSync(join(data, 'groups'));
  } catch {
    return [];
  }
  const groups: Group[] = [];
  for (const name of names) {
    // Matchbox lists the directory and reads <name without extension>.json.
    const id = name.slice(0, name.length - extname(name).length);
    try {
      const raw = readJson(join(data, 'groups', `${id}.json`)) as Partial<Group> & { selector?: Record<string, string> };
      if (typeof raw.id !== 'string' || raw.id === '' || typeof raw.profile !== 'string' || raw.profile === '') {
        throw new Error('a group needs an id and a profile');
      }
      const selector: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw.selector ?? {})) {
        selector[k] = k.toLowerCase() === 'mac' ? (parseMac(String(v)) ?? String(v)) : String(v);
      }
      groups.push({ id: raw.id, profile: raw.profile, selector });
    } catch (error) {
      log.push(`Group "${id}": ${(error as Error).message}`);
    }
  }
  return groups;
}

function loadProfile(data: string, id: string): Profile | undefined {
  try {
    const profile = readJson(join(data, 'profiles', `${id}.json`)) as Profile;
    return typeof profile.id === 'string' && profile.id !== '' ? profile : undefined;
  } catch {
    return undefined;
  }
}

/** A path under dir, or undefined when the request climbs out of it. */
function inside(dir: string, relative: string): string | undefined {
  const path = normalize(join(dir, relative));
  return path.startsWith(dir + sep) ? path : undefined;
}

interface Answer {
  status: number;
  type?: string;
  body?: string;
  file?: string;
}

function answer(data: string, assets: string, url: URL, log: string[]): Answer {
  const notFound: Answer = { status: 404, body: '404 page not found\n' };
  const path = url.pathname;
  if (path === '/') return { status: 200, type: 'text/plain; charset=utf-8', body: 'matchbox\n' };
  if (path === '/boot.ipxe' || path === '/boot.ipxe.0') return { status: 200, type: 'text/plain; charset=utf-8', body: BOOTSTRAP_IPXE };
  if (path.startsWith('/assets/')) {
    const file = inside(assets, decodeURIComponent(path.slice('/assets/'.length)));
    if (file === undefined || !statSync(file, { throwIfNoEntry: false })?.isFile()) return notFound;
    return { status: 200, type: 'application/octet-stream', file };
  }
  if (path !== '/ipxe' && path !== '/ignition') return notFound;

  const labels = labelsOf(url.searchParams);
  const group = selectGroup(loadGroups(data, log), labels);
  if (group === undefined) {
    log.push(`No matching group for ${JSON.stringify(labels)}`);
    return notFound;
  }
  const profile = loadProfile(data, group.profile);
  if (profile === undefined) {
    log.push(`Group ${group.id}: no profile named ${group.profile}`);
    return notFound;
  }
  if (path === '/ipxe') return { status: 200, type: 'text/plain; charset=utf-8', body: ipxeScript(profile) };

  const name = profile.ignition_id ?? '';
  const file = name === '' ? undefined : inside(join(data, 'ignition'), name);
  if (file === undefined || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    log.push(`Profile ${profile.id}: no Ignition config named ${name}`);
    return notFound;
  }
  if (!name.endsWith('.ign') && !name.endsWith('.ignition')) {
    // v0.9.0 renders these as Container Linux Config templates to spec 2.2, which no spec-3 runner
    // accepts; later versions render Butane templates. Neither is what these tests exercise.
    log.push(`Profile ${profile.id}: ${name} is a template; this stand-in serves only .ign/.ignition`);
    return notFound;
  }
  // v0.9.0 serves the bytes it stored, only warning when its v2.2 parser dislikes them.
  return { status: 200, type: 'application/json', file };
}

/** Serves a Matchbox data directory (assets default to <data>/assets) on 127.0.0.1. */
export async function startMatchbox(options: { data: string; assets?: string; port?: number }): Promise<Matchbox> {
  const data = options.data;
  const assets = normalize(options.assets ?? join(data, 'assets'));
  const requests: MatchboxRequest[] = [];
  const log: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://matchbox');
    let reply: Answer;
    try {
      reply = req.method === 'GET' || req.method === 'HEAD' ? answer(data, assets, url, log) : { status: 405, body: 'only GET is supported\n' };
    } catch (error) {
      log.push(`error answering ${url.pathname}: ${(error as Error).message}`);
      reply = { status: 500, body: 'internal error\n' };
    }
    requests.push({ path: url.pathname, query: url.search.slice(1), status: reply.status });
    if (reply.file !== undefined) {
      res.writeHead(reply.status, { 'content-type': reply.type, 'content-length': statSync(reply.file).size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(reply.file).pipe(res);
      return;
    }
    res.writeHead(reply.status, { 'content-type': reply.type ?? 'text/plain; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : reply.body);
  });
  // A guest that stalls mid-download must not hold the suite: idle sockets are closed.
  server.setTimeout(60_000, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
