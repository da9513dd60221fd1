// cty's msgpack wire format as the provider reads and writes it (docs/plugin-protocol
// object-wire-format): objects carry every attribute, nil for null, unknown is extension 0
// (extension 12 with refinements), and the decoder names the attribute path of a mismatch.
import { describe, expect, test } from 'vitest';
import { decodeValue, encodeValue, typeJson, UNKNOWN, type CtyType } from '../../src/terraform/cty.ts';
import { ProvisionError } from '../../src/report.ts';
import { CT_CONFIG_TYPE } from '../../src/terraform/schema.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** msgpack of a str (fixstr only: the tests use short strings). */
const str = (text: string): string => (0xa0 + text.length).toString(16) + Buffer.from(text).toString('hex');

function decodeFailure(bytes: Uint8Array, type: CtyType): ProvisionError {
  try {
    decodeValue(bytes, type);
  } catch (error) {
    if (ProvisionError.is(error)) return error;
    throw error;
  }
  throw new Error('decoded without error');
}

describe('cty msgpack', () => {
  const pair: CtyType = { object: { b: 'string', a: 'bool' } };

  test('objects are written with every attribute, in name order, nil for null', () => {
    expect(hex(encodeValue({ b: 'x' }, pair))).toBe(`82${str('a')}c0${str('b')}${str('x')}`);
    expect(hex(encodeValue({ a: true, b: null }, pair))).toBe(`82${str('a')}c3${str('b')}c0`);
  });

  test('lists, strings and booleans round-trip through the ct_config type', () => {
    const value = {
      content: 'variant: fcos\n',
      files_dir: null,
      id: '123',
      pretty_print: false,
      rendered: '{"ignition":{}}',
      snippets: ['a', 'b'],
      strict: true,
    };
    expect(decodeValue(encodeValue(value, CT_CONFIG_TYPE), CT_CONFIG_TYPE)).toEqual(value);
  });

  test('an attribute left out of the map decodes as null', () => {
    expect(decodeValue(fromHex(`81${str('b')}${str('x')}`), pair)).toEqual({ a: null, b: 'x' });
  });

  test('unknown values (extension 0, and 12 with refinements) decode as UNKNOWN, not as errors', () => {
    // fixext1 type 0 data 0: cty's plain unknown.
    expect(decodeValue(fromHex(`82${str('a')}d40000${str('b')}${str('x')}`), pair)).toEqual({ a: UNKNOWN, b: 'x' });
    // ext8 of 3 bytes, type 12 (a refinement map {1: true}, "not null").
    expect(decodeValue(fromHex(`82${str('a')}c3${str('b')}c7030c8101c3`), pair)).toEqual({ a: true, b: UNKNOWN });
    expect(decodeValue(fromHex(`81${str('snippets')}92${str('x')}d40000`), { object: { snippets: { list: 'string' } } })).toEqual({
      snippets: ['x', UNKNOWN],
    });
    const unknown = encodeValue(UNKNOWN, 'string');
    expect(decodeValue(unknown, 'string')).toBe(UNKNOWN);
  });

  test('a value of the wrong type is an error at its attribute path', () => {
    const wrong = decodeFailure(fromHex(`81${str('snippets')}91c3`), { object: { snippets: { list: 'string' } } });
    expect(wrong.code).toBe('CT_VALUE_INVALID');
    expect(wrong.path).toEqual(['snippets', 0]);
    expect(wrong.message).toContain('string required');
    const extra = decodeFailure(fromHex(`81${str('zz')}c0`), pair);
    expect(extra.path).toEqual(['zz']);
    expect(extra.message).toContain('unsupported attribute "zz"');
  });

  test('other extensions and truncated input are errors, never crashes', () => {
    expect(decodeFailure(fromHex(`81${str('a')}d40500`), pair).message).toContain('unsupported msgpack extension 5');
    expect(decodeFailure(fromHex('82a161'), pair).message).toContain('malformed msgpack');
  });

  test('numbers may arrive as decimal strings (cty does this for big values)', () => {
    expect(decodeValue(fromHex(str('12.5')), 'number')).toBe(12.5);
    expect(decodeFailure(fromHex(str('abc')), 'number').message).toContain('number required');
  });

  test('schemas carry types in cty JSON notation', () => {
    expect(JSON.stringify(typeJson({ list: 'string' }))).toBe('["list","string"]');
    expect(JSON.stringify(typeJson({ object: { a: 'bool' } }))).toBe('["object",{"a":"bool"}]');
  });
});
