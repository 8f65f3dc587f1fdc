import { describe, expect, it } from 'vitest';
import { renderError, renderResponse } from './design-response.js';
import { DesignSandbox } from './sandbox.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('design function responses', () => {
  it('render strings as HTML, json with its type, base64 as bytes, with code and headers', () => {
    expect(renderResponse('hi', null)).toEqual({ status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: new TextEncoder().encode('hi') });
    const json = renderResponse({ code: 201, json: { a: 1 }, headers: { 'X-A': 'b' } }, null);
    expect([json.status, json.headers, text(json.body)]).toEqual([201, { 'X-A': 'b', 'Content-Type': 'application/json' }, '{"a":1}']);
    expect(Array.from(renderResponse({ base64: 'AAEC' }, null).body)).toEqual([0, 1, 2]);
    expect(renderResponse('x', 'application/json').headers['Content-Type']).toBe('application/json');
    expect([renderResponse({}, null).headers['Content-Type'], text(renderResponse({}, null).body)]).toEqual(['application/json', '']);
  });

  it('render_error keeps the design code frames and drops the host ones', () => {
    const box = new DesignSandbox('_design/t');
    const outcome = box.call(box.compile('function () { throw new Error("boom"); }'), []);
    if (!('fail' in outcome)) throw new Error('expected a failure');
    const error = renderError(outcome.fail);
    expect([error.status, error.error]).toEqual([500, 'render_error']);
    expect(error.reason).toMatch(/^function raised error: Error: boom \nstacktrace: Error: boom/);
    expect(error.reason).not.toMatch(/sandbox\.ts|node:vm|settee-dispatch/);
  });
});
