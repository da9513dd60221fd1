// Resource rules (ignition-spec.md §4.5): URL schemes per version, S3/ARN forms, data URLs,
// compression, hashes, headers and proxies, each asserted with severity, code and path.
import { describe } from 'vitest';
import { runTable, type Row } from './table.ts';

const file = (contents: Record<string, unknown>) => ({ storage: { files: [{ path: '/f', contents }] } });
const src = '$.storage.files.0.contents.source';
const sha512 = `sha512-${'0'.repeat(128)}`;
const sha256 = `sha256-${'0'.repeat(64)}`;

const rows: Row[] = [
  { name: 'http source is fine', version: '3.0.0', config: file({ source: 'http://example.com/x' }), expect: [] },
  { name: 'uppercase scheme is lowercased by the parser', version: '3.3.0', config: file({ source: 'HTTPS://h/x' }), expect: [] },
  { name: 'tftp source', version: '3.1.0', config: file({ source: 'tftp://h/x' }), expect: [] },
  { name: 's3 source', version: '3.0.0', config: file({ source: 's3://bucket/key' }), expect: [] },
  { name: 'gs before 3.2', version: '3.1.0', config: file({ source: 'gs://b/o' }), expect: [['error', 'URL_SCHEME_INVALID', src]] },
  { name: 'gs from 3.2', version: '3.2.0', config: file({ source: 'gs://b/o' }), expect: [] },
  { name: 'ftp is not a scheme Ignition fetches', version: '3.6.0', config: file({ source: 'ftp://h/x' }), expect: [['error', 'URL_SCHEME_INVALID', src]] },
  { name: 'no scheme at all (data;x)', version: '3.3.0', config: file({ source: 'data;x' }), expect: [['error', 'URL_SCHEME_INVALID', src]] },
  { name: 'unclosed IPv6 host does not parse', version: '3.3.0', config: file({ source: 'http://[::1' }), expect: [['error', 'URL_UNPARSEABLE', src]] },
  { name: 'space in host does not parse', version: '3.3.0', config: file({ source: 'http://a b/' }), expect: [['error', 'URL_UNPARSEABLE', src]] },
  { name: 'bad percent escape in path', version: '3.3.0', config: file({ source: 'http://h/%zz' }), expect: [['error', 'URL_UNPARSEABLE', src]] },
  { name: 'non-numeric port', version: '3.3.0', config: file({ source: 'http://h:port/' }), expect: [['error', 'URL_UNPARSEABLE', src]] },
  { name: 'leading colon is a missing scheme', version: '3.3.0', config: file({ source: '://x' }), expect: [['error', 'URL_UNPARSEABLE', src]] },
  { name: 'colon in the first relative segment', version: '3.3.0', config: file({ source: '1x:y' }), expect: [['error', 'URL_UNPARSEABLE', src]] },
  { name: 'control character', version: '3.3.0', config: file({ source: 'http://h/\u0001' }), expect: [['error', 'URL_UNPARSEABLE', src]] },
  { name: 'empty source is unspecified', version: '3.3.0', config: file({ source: '' }), expect: [] },
  { name: 's3 versionId present but empty', version: '3.3.0', config: file({ source: 's3://b/k?versionId=' }), expect: [['error', 'S3_VERSION_ID_INVALID', src]] },
  { name: 's3 versionId without =', version: '3.3.0', config: file({ source: 's3://b/k?versionId' }), expect: [['error', 'S3_VERSION_ID_INVALID', src]] },
  { name: 's3 versionId set', version: '3.3.0', config: file({ source: 's3://b/k?versionId=abc' }), expect: [] },
  { name: 's3 versionId is case-sensitive', version: '3.3.0', config: file({ source: 's3://b/k?versionid=' }), expect: [] },
  { name: 'arn before 3.4', version: '3.3.0', config: file({ source: 'arn:aws:s3:::bucket/key' }), expect: [['error', 'URL_SCHEME_INVALID', src]] },
  { name: 'arn object', version: '3.4.0', config: file({ source: 'arn:aws:s3:::bucket/key' }), expect: [] },
  { name: 'arn access point object', version: '3.4.0', config: file({ source: 'arn:aws:s3:us-east-1:123:accesspoint/ap/object/key' }), expect: [] },
  { name: 'arn without a key', version: '3.4.0', config: file({ source: 'arn:aws:s3:::bucket' }), expect: [['error', 'S3_ARN_INVALID', src]] },
  { name: 'arn access point too short', version: '3.4.0', config: file({ source: 'arn:aws:s3:us-east-1:123:accesspoint/ap' }), expect: [['error', 'S3_ARN_INVALID', src]] },
  { name: 'arn of another service', version: '3.5.0', config: file({ source: 'arn:aws:ec2:::bucket/key' }), expect: [['error', 'S3_ARN_INVALID', src]] },
  { name: 'arn with too few sections', version: '3.5.0', config: file({ source: 'arn:aws:s3:bucket/key' }), expect: [['error', 'S3_ARN_INVALID', src]] },
  { name: 'arn with empty versionId', version: '3.6.0', config: file({ source: 'arn:aws:s3:::bucket/key?versionId=' }), expect: [['error', 'S3_VERSION_ID_INVALID', src]] },
  { name: 'valid data URL', version: '3.0.0', config: file({ source: 'data:,hello%0A' }), expect: [] },
  {
    name: 'data URL with a bad base64 character',
    version: '3.1.0',
    config: file({ source: 'data:text/plain;base64,!!' }),
    expect: [['error', 'DATA_URL_INVALID', src, 'invalid data character']],
  },
  { name: 'data URL with a raw space', version: '3.3.0', config: file({ source: 'data:,a b' }), expect: [['error', 'DATA_URL_INVALID', src]] },
  { name: 'gzip compression', version: '3.0.0', config: file({ source: 'http://h/x', compression: 'gzip' }), expect: [] },
  { name: 'empty compression', version: '3.3.0', config: file({ source: 'http://h/x', compression: '' }), expect: [] },
  {
    name: 'unknown compression',
    version: '3.3.0',
    config: file({ source: 'http://h/x', compression: 'xz' }),
    expect: [['error', 'COMPRESSION_INVALID', '$.storage.files.0.contents.compression']],
  },
  { name: 'sha512 hash', version: '3.0.0', config: file({ source: 'http://h/x', verification: { hash: sha512 } }), expect: [] },
  {
    name: 'sha256 before 3.1',
    version: '3.0.0',
    config: file({ source: 'http://h/x', verification: { hash: sha256 } }),
    expect: [['error', 'HASH_FUNCTION_UNKNOWN', '$.storage.files.0.contents.verification.hash']],
  },
  { name: 'sha256 from 3.1', version: '3.1.0', config: file({ source: 'http://h/x', verification: { hash: sha256 } }), expect: [] },
  {
    name: 'hash without a dash',
    version: '3.3.0',
    config: file({ source: 'http://h/x', verification: { hash: 'sha512' } }),
    expect: [['error', 'HASH_MALFORMED', '$.storage.files.0.contents.verification.hash']],
  },
  {
    name: 'hash function is case-sensitive',
    version: '3.3.0',
    config: file({ source: 'http://h/x', verification: { hash: sha512.toUpperCase() } }),
    expect: [['error', 'HASH_FUNCTION_UNKNOWN', '$.storage.files.0.contents.verification.hash']],
  },
  {
    name: 'hash digest of the wrong length',
    version: '3.3.0',
    config: file({ source: 'http://h/x', verification: { hash: 'sha512-00' } }),
    expect: [['error', 'HASH_SIZE_INVALID', '$.storage.files.0.contents.verification.hash']],
  },
  {
    name: 'hash digits are not checked',
    version: '3.3.0',
    config: file({ source: 'http://h/x', verification: { hash: `sha512-${'z'.repeat(128)}` } }),
    expect: [],
  },
  {
    name: 'verification without a source, then the malformed hash',
    version: '3.3.0',
    config: file({ verification: { hash: 'bogus' } }),
    expect: [
      ['error', 'VERIFICATION_NEEDS_SOURCE', '$.storage.files.0.contents.verification.hash'],
      ['error', 'HASH_MALFORMED', '$.storage.files.0.contents.verification.hash'],
    ],
  },
  {
    name: 'verification without a source in 3.0 file contents',
    version: '3.0.0',
    config: file({ verification: { hash: sha512 } }),
    expect: [['error', 'VERIFICATION_NEEDS_SOURCE', '$.storage.files.0.contents.verification.hash']],
  },
  {
    name: 'headers: empty name, empty value, then the scheme',
    version: '3.1.0',
    config: { ignition: { config: { replace: { source: 's3://b/k', httpHeaders: [{ name: '', value: '' }, { name: 'a' }] } } } },
    expect: [
      ['error', 'HEADERS_SCHEME_INVALID', '$.ignition.config.replace.httpHeaders'],
      ['error', 'HEADER_NAME_EMPTY', '$.ignition.config.replace.httpHeaders.0.name'],
      ['error', 'HEADER_UNPARSEABLE', '$.ignition.config.replace.httpHeaders.0.value'],
    ],
  },
  {
    name: 'headers without a source',
    version: '3.2.0',
    config: { ignition: { config: { replace: { httpHeaders: [{ name: 'a', value: 'b' }] } } } },
    expect: [['error', 'URL_UNPARSEABLE', '$.ignition.config.replace.httpHeaders']],
  },
  {
    name: 'headers on https',
    version: '3.6.0',
    config: file({ source: 'https://h/x', httpHeaders: [{ name: 'Authorization', value: 'x' }] }),
    expect: [],
  },
  {
    name: 'resource checks run compression, hash, source, headers, then children',
    version: '3.1.0',
    config: {
      ignition: {
        config: {
          merge: [{ source: 'data:,x', httpHeaders: [{ name: 'x', value: 'y' }], compression: 'xz', verification: { hash: 'sha256-abc' } }],
        },
      },
    },
    expect: [
      ['error', 'COMPRESSION_INVALID', '$.ignition.config.merge.0.compression'],
      ['error', 'HEADERS_SCHEME_INVALID', '$.ignition.config.merge.0.httpHeaders'],
      ['error', 'HASH_SIZE_INVALID', '$.ignition.config.merge.0.verification.hash'],
    ],
  },
  {
    name: 'merge source required (3.1+), reported on the entry and again on the source',
    version: '3.1.0',
    config: { ignition: { config: { merge: [{ source: null }, { source: 'foo' }] } } },
    expect: [
      ['error', 'SOURCE_REQUIRED', '$.ignition.config.merge.0'],
      ['error', 'URL_SCHEME_INVALID', '$.ignition.config.merge.1'],
      ['error', 'URL_SCHEME_INVALID', '$.ignition.config.merge.1.source'],
    ],
  },
  {
    name: 'empty merge source is also missing',
    version: '3.6.0',
    config: { ignition: { config: { merge: [{ source: '' }] } } },
    expect: [['error', 'SOURCE_REQUIRED', '$.ignition.config.merge.0']],
  },
  { name: '3.0 merge without source is allowed', version: '3.0.0', config: { ignition: { config: { merge: [{ source: null }] } } }, expect: [] },
  {
    name: 'CA source required (3.1+)',
    version: '3.1.0',
    config: { ignition: { security: { tls: { certificateAuthorities: [{ source: '' }] } } } },
    expect: [['error', 'SOURCE_REQUIRED', '$.ignition.security.tls.certificateAuthorities.0']],
  },
  {
    name: '3.0 CA with an empty source has no scheme',
    version: '3.0.0',
    config: { ignition: { security: { tls: { certificateAuthorities: [{ source: '' }] } } } },
    expect: [['error', 'URL_SCHEME_INVALID', '$.ignition.security.tls.certificateAuthorities.0.source']],
  },
  {
    name: 'proxies: empty http proxy, insecure https proxy',
    version: '3.1.0',
    config: { ignition: { proxy: { httpProxy: '', httpsProxy: 'http://p' } } },
    expect: [
      ['error', 'PROXY_SCHEME_INVALID', '$.ignition.proxy.httpProxy'],
      ['warning', 'PROXY_INSECURE_HTTPS', '$.ignition.proxy.httpsProxy'],
    ],
  },
  {
    name: 'proxies: wrong scheme, unparseable',
    version: '3.4.0',
    config: { ignition: { proxy: { httpProxy: 'ftp://x', httpsProxy: 'http://[::1' } } },
    expect: [
      ['error', 'PROXY_SCHEME_INVALID', '$.ignition.proxy.httpProxy'],
      ['error', 'URL_UNPARSEABLE', '$.ignition.proxy.httpsProxy'],
    ],
  },
  {
    name: 'proxies over http and https',
    version: '3.6.0',
    config: { ignition: { proxy: { httpProxy: 'http://p:3128', httpsProxy: 'https://p:3128', noProxy: ['a', 'b'] } } },
    expect: [],
  },
];

describe('resource rules', () => runTable(rows));
