// AWS Signature Version 4 for S3 GET/HEAD requests with an empty body, written from AWS's
// published algorithm: canonical request -> string to sign -> HMAC chain -> Authorization header.

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

// sha256 of the empty payload, written out: computed here it would load node:crypto while the
// module loads, and so into the single executable's startup snapshot (src/warm.ts).
export const emptyPayloadHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 encoding as SigV4 wants it: unreserved characters stay, everything else is %XX. */
export function awsEncode(text: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `20130524T000000Z` */
export function amzDate(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Returns the headers to add to a request (x-amz-date, x-amz-content-sha256, the session token and
 * Authorization). `headers` are the other headers to sign; `host` is always signed.
 */
export function signRequest(input: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  region: string;
  service: string;
  credentials: AwsCredentials;
  at: Date;
}): Record<string, string> {
  const date = amzDate(input.at);
  const day = date.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-content-sha256': emptyPayloadHash, 'x-amz-date': date };
  if (input.credentials.sessionToken !== undefined) added['x-amz-security-token'] = input.credentials.sessionToken;
  const all: Record<string, string> = { host: input.url.host };
  for (const [name, value] of Object.entries({ ...input.headers, ...added })) all[name.toLowerCase()] = value;
  const names = Object.keys(all).sort();
  const canonicalHeaders = names.map((n) => `${n}:${all[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const query = [...input.url.searchParams.entries()]
    .map(([k, v]) => [awsEncode(k, false), awsEncode(v, false)] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const path = awsEncode(decodeURIComponent(input.url.pathname), true);
  const canonical = [input.method, path, query, canonicalHeaders, signedHeaders, emptyPayloadHash].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${input.credentials.secretAccessKey}`, day);
  for (const part of [input.region, input.service, 'aws4_request']) key = hmac(key, part);
  const signature = process.getBuiltinModule('node:crypto').createHmac('sha256', key).update(toSign).digest('hex');
  added.authorization = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}

function sha256(text: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(text).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return process.getBuiltinModule('node:crypto').createHmac('sha256', key).update(data).digest();
}
