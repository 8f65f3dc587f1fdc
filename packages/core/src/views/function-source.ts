/**
 * The source text CouchDB stores for a design function given as a real function. `Function.prototype.toString`
 * gives `function (...) {...}`, `(...) => ...` or, for object-literal methods, `name(...) {...}`, which is not an
 * expression: that form gets the `function` keyword. Closures are not captured: the function must only use its
 * parameters and CouchDB's globals (`emit`, `sum`, `log`, ...), which is what the query server provides.
 */
export function functionSource(fn: (...args: never[]) => unknown): string {
  const text = Function.prototype.toString.call(fn).trim();
  if (text.startsWith('function') || text.startsWith('async') || /^(\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>/.test(text)) return text;
  if (text.startsWith('class')) throw new TypeError('A design function cannot be a class');
  return `function ${text}`;
}

/**
 * A map function written as `(doc, emit) => ...`, as CouchDB calls it: with the document only, `emit` being the
 * query server's global. Strings are taken as the source itself.
 */
export function mapSource(map: string | ((...args: never[]) => unknown)): string {
  if (typeof map === 'string') return map;
  return `function (doc) { return (${functionSource(map)})(doc, emit); }`;
}
