// Small look-ups at instance metadata services (IMDS token and role credentials, GCE tokens, the S3
// bucket region): short HTTP exchanges read as text, with their own short deadline.
import type { Readable } from 'node:stream';
import type { ConfigPath } from '../report.ts';
import type { FetchContext } from './context.ts';
import { defaultHeaders, httpOpen, type Headers } from './http.ts';

/** Metadata services answer quickly or not at all; don't let them hold a fetch for long. */
export const metadataTotalMs = 10_000;

export interface TextResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export async function getText(
  ctx: FetchContext,
  path: ConfigPath,
  source: string,
  request: { url: string; method?: 'GET' | 'HEAD' | 'PUT'; headers?: Headers; pass?: (status: number) => boolean },
): Promise<TextResponse> {
  const res = await httpOpen(
    {
      url: request.url,
      method: request.method ?? 'GET',
      headers: { ...defaultHeaders(ctx), ...request.headers },
      pass: request.pass,
      totalMs: metadataTotalMs,
    },
    ctx,
    path,
    source,
  );
  return { status: res.status, headers: res.headers, text: await readAll(res.body) };
}

export async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
