/**
 * The order in which connections reach PGlite's single backend (used in place of pglite-socket's
 * QueryQueueManager, with the same three methods its socket handlers call).
 *
 * A client's extended-protocol exchange (Parse, Bind, Describe, Execute, then Sync) is one unit:
 * its messages are held until the message that ends it (Sync, a simple Query, Flush, Terminate,
 * or the start-up message) and then run together, so another connection's statement never lands
 * between them. While a connection has a transaction open, only that connection runs.
 */

const PROTOCOL_3 = 196608;
/** Message types that end a unit: Sync, Query, Flush, Terminate, CopyDone, CopyFail. */
const UNIT_ENDS = new Set(['S', 'Q', 'H', 'X', 'c', 'f']);

function endsUnit(message) {
  if (message.length >= 8 && new DataView(message.buffer, message.byteOffset).getInt32(4) === PROTOCOL_3) return true;
  return UNIT_ENDS.has(String.fromCharCode(message[0]));
}

export class SafeQueryQueue {
  /** @param {import('@electric-sql/pglite').PGlite} db */
  constructor(db) {
    this.db = db;
    /** handler id -> messages of an unfinished unit */
    this.pending = new Map();
    /** units ready to run, in arrival order */
    this.ready = [];
    /** the connection whose transaction is open */
    this.owner = null;
    this.running = false;
  }

  enqueue(handlerId, message, onData) {
    const held = this.pending.get(handlerId) ?? [];
    held.push(message);
    if (!endsUnit(message)) {
      this.pending.set(handlerId, held);
      return Promise.resolve(0);
    }
    this.pending.delete(handlerId);
    const unit = held.length === 1 ? held[0] : concat(held);
    return new Promise((resolve, reject) => {
      this.ready.push({ handlerId, unit, onData, resolve, reject });
      void this.run();
    });
  }

  async run() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.ready.length > 0) {
        const index = this.owner === null ? 0 : this.ready.findIndex((u) => u.handlerId === this.owner);
        if (index === -1) break; // the transaction's connection has not sent its next unit yet
        const [next] = this.ready.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next.unit, {
              onRawData: (data) => {
                bytes += data.length;
                next.onData(data);
              },
            }),
          );
          this.owner = this.db.isInTransaction() ? next.handlerId : null;
          next.resolve(bytes);
        } catch (error) {
          this.owner = this.db.isInTransaction() ? next.handlerId : null;
          next.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  getQueueLength() {
    return this.ready.length;
  }

  clearQueueForHandler(handlerId) {
    this.pending.delete(handlerId);
    this.ready = this.ready.filter((u) => {
      if (u.handlerId !== handlerId) return true;
      u.reject(new Error('connection closed'));
      return false;
    });
  }

  /** A connection gone in the middle of its transaction: roll it back so the others may run. */
  async clearTransactionIfNeeded(handlerId) {
    if (this.owner === handlerId && this.db.isInTransaction()) {
      await this.db.exec('ROLLBACK');
    }
    if (this.owner === handlerId) this.owner = null;
    await this.run();
  }
}

function concat(messages) {
  const out = new Uint8Array(messages.reduce((sum, m) => sum + m.length, 0));
  let at = 0;
  for (const m of messages) {
    out.set(m, at);
    at += m.length;
  }
  return out;
}
