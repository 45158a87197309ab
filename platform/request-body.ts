/** A node:http request's body as text within a byte bound: what the subgraph service and the provider simulator read. */
import type { IncomingMessage } from 'node:http';

/**
 * The body as UTF-8 text, or null when it is over `limit` bytes. A declared length over the
 * limit is refused before a byte is read (the body is discarded, so the caller reads the answer
 * instead of a reset connection); a body that grows past it while read is not read further.
 */
export async function readBodyText(req: IncomingMessage, limit: number): Promise<string | null> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
