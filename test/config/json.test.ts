// Syntax errors must carry Go's wording and offset, because Ignition prints them verbatim.
// Expected rows were read off Debian's ignition-validate 2.14.
import { describe, expect, test } from 'vitest';
import { parseJson, scanForSyntaxError } from '../../src/config/json.ts';

const V = '{"ignition":{"version":"3.3.0"}';

describe('scanForSyntaxError', () => {
  test.each([
    { name: 'comma before ]', text: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/hello.txt",]}}', message: "invalid character ']' looking for beginning of object key string", offset: 78 },
    { name: 'literal cut short', text: `${V},\n"a":tru}`, message: "invalid character '}' in literal true (expecting 'e')", offset: 41 },
    { name: 'minus without digits', text: `${V},\n  "b":-}`, message: "invalid character '}' in numeric literal", offset: 41 },
    { name: 'leading zero', text: `${V}, "b":01}`, message: "invalid character '1' after object key:value pair", offset: 39 },
    { name: 'dot without digits', text: `${V}, "b":1.}`, message: "invalid character '}' after decimal point in numeric literal", offset: 40 },
    { name: 'bad escape', text: `${V}, "b":"\\x"}`, message: "invalid character 'x' in string escape code", offset: 40 },
    { name: 'bad unicode escape', text: `${V}, "b":"\\u12x4"}`, message: "invalid character 'x' in \\u hexadecimal character escape", offset: 43 },
    { name: 'missing comma', text: `${V} "b":1}`, message: `invalid character '"' after object key:value pair`, offset: 33 },
    { name: 'missing colon', text: `${V}, "b" 1}`, message: "invalid character '1' after object key", offset: 38 },
    { name: 'array missing comma', text: '[1 2]', message: "invalid character '2' after array element", offset: 4 },
    { name: 'trailing garbage', text: `${V}} x `, message: "invalid character 'x' after top-level value", offset: 34 },
    { name: 'whitespace only', text: ' ', message: 'unexpected end of JSON input', offset: 1 },
    { name: 'unterminated', text: V, message: 'unexpected end of JSON input', offset: 31 },
    { name: 'control character in string', text: '{"a":"\n"}', message: "invalid character '\\n' in string literal", offset: 7 },
    { name: 'bare word', text: '{"a":yes}', message: "invalid character 'y' looking for beginning of value", offset: 6 },
    { name: 'exponent without digits', text: '{"a":1e}', message: "invalid character '}' in exponent of numeric literal", offset: 8 },
    { name: 'single quote', text: "{'a':1}", message: "invalid character '\\'' looking for beginning of object key string", offset: 2 },
    { name: 'byte order mark', text: '\uFEFF{}', message: "invalid character 'ï' looking for beginning of value", offset: 1 },
  ])('$name', ({ text, message, offset }) => {
    expect(scanForSyntaxError(Buffer.from(text, 'utf8'))).toEqual({ message, offset });
  });

  test.each(['{}', '[]', ' {"a":[1,2,{"b":null}],"c":-0.5e+3} ', '"s"', 'true', '[[[[[]]]]]'])('accepts %s', (text) => {
    expect(scanForSyntaxError(Buffer.from(text))).toBeUndefined();
  });

  test('deep nesting does not overflow the stack', () => {
    const text = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(scanForSyntaxError(Buffer.from(text))).toBeUndefined();
  });
});

describe('parseJson', () => {
  test('valid documents parse, duplicate keys keep the last value as Go does', () => {
    expect(parseJson('{"a":1,"a":2}')).toEqual({ ok: true, value: { a: 2 } });
  });
  test('invalid documents report the Go error', () => {
    const result = parseJson('{"a":}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe("invalid character '}' looking for beginning of value");
  });
});
