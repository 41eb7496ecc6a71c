// Byte arrays joined end to end, in a fresh (unpooled, offset 0) buffer: callers may wrap
// its .buffer in a DataView or typed array directly, which Buffer.concat's pooled result forbids.

/** The parts, one after another, in a new Uint8Array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
