/**
 * `s` as one flat string. A string built by concatenation (and what randomUUID() returns) is a
 * rope: a tree of its pieces, each a heap object. One held long is promoted with all of them and
 * marked by every full collection; reading one character makes V8 flatten it, and the pieces then
 * die young (BENCHMARKS.md, Garbage collection). For strings that are kept, not for every string.
 */
export function flattened<T extends string> (s: T): T {
  s.charCodeAt(0)
  return s
}
