import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseForm } from '../../src/http/parse/form.ts';
import { parseJsonParameters } from '../../src/http/parse/json-body.ts';

describe('form bodies', () => {
  it('decodes + as space and percent-escapes as UTF-8', () => {
    assert.deepEqual({ ...parseForm('a=x+y&b=%C3%A9%20z') }, { a: 'x y', b: 'é z' });
  });
  it('treats parameters without a value as omitted (RFC 6749 §3.2)', () => {
    assert.deepEqual({ ...parseForm('scope=&grant_type=client_credentials&flag') }, { grant_type: 'client_credentials' });
  });
  it('refuses a repeated parameter', () => {
    assert.throws(() => parseForm('grant_type=a&grant_type=b'), /grant_type is included more than once/);
  });
  it('refuses malformed percent-encoding and encoded non-UTF-8', () => {
    assert.throws(() => parseForm('a=%zz'), /malformed percent-encoding/);
    assert.throws(() => parseForm('a=%ff'), /malformed percent-encoding/);
  });
  it('cannot be tricked into prototype pollution', () => {
    const params = parseForm('__proto__=x&constructor=y');
    assert.equal(({} as Record<string, unknown>).x, undefined);
    assert.equal(params.__proto__, 'x');
    assert.equal(params.constructor, 'y');
    assert.deepEqual(Object.keys(params), ['__proto__', 'constructor']);
  });
  it('inherits nothing: names of Object.prototype are absent until sent, and repeats of them are refused', () => {
    const params = parseForm('grant_type=client_credentials');
    for (const name of ['toString', 'hasOwnProperty', 'constructor', 'valueOf', '__proto__']) assert.equal(params[name], undefined, name);
    assert.equal('toString' in params, false);
    assert.throws(() => parseForm('toString=a&toString=b'), /toString is included more than once/);
    assert.throws(() => parseForm('__proto__=a&__proto__=b'), /__proto__ is included more than once/);
  });
});

describe('JSON bodies', () => {
  it('reads string members as parameters', () => {
    assert.deepEqual({ ...parseJsonParameters('{"grant_type":"client_credentials","client_id":"a"}') }, { grant_type: 'client_credentials', client_id: 'a' });
  });
  it('refuses invalid JSON, non-objects and non-string members', () => {
    assert.throws(() => parseJsonParameters('{'), /not valid JSON/);
    assert.throws(() => parseJsonParameters('[]'), /must be an object/);
    assert.throws(() => parseJsonParameters('"x"'), /must be an object/);
    assert.throws(() => parseJsonParameters('null'), /must be an object/);
    assert.throws(() => parseJsonParameters('{"expires":5}'), /expires must be a string/);
  });
  it('keeps the last of a member repeated in the JSON text, as JSON.parse does (documented in docs/dialects.md)', () => {
    assert.deepEqual({ ...parseJsonParameters('{"a":"1","a":"2"}') }, { a: '2' });
  });
});
