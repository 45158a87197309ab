import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

export class CorruptFileError extends Error {
  override name = 'CorruptFileError';
}

export interface CsvOptions {
  /** The field separator: `,` (RFC 4180) unless the publisher uses another, as ARCEP's `;`. */
  separator?: string;
  /** The file's encoding: UTF-8 unless the publisher uses another, as ARCEP's Latin-1. */
  encoding?: 'utf8' | 'latin1';
}

/** A file as text: a `.gz` file (a large source kept small in the repository) is unzipped as it streams. */
function openText(file: string, encoding: 'utf8' | 'latin1'): Readable {
  if (!file.endsWith('.gz')) return createReadStream(file, encoding);
  const unzipped = createReadStream(file).pipe(createGunzip());
  unzipped.setEncoding(encoding);
  return unzipped;
}

/**
 * Streams the records of an RFC 4180 CSV file (quoted fields, doubled quotes, CRLF), with the
 * line each starts on; `.gz` files are unzipped on the way. A quote left open at the end of the file is corruption of the whole file,
 * not a malformed line, and throws.
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const separator = options.separator ?? ',';
  const input = openText(file, options.encoding ?? 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let pending: { line: number; fields: string[]; field: string } | null = null;
  // A reader that stops early (a header, a date on line 2) releases the file at once.
  try {
    for await (const text of lines) {
      lineNo += 1;
      const state: { line: number; fields: string[]; field: string } = pending ?? { line: lineNo, fields: [], field: '' };
      let inQuotes = pending !== null;
      if (pending) state.field += '\n';
      pending = null;
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (inQuotes) {
          if (ch === '"' && text[i + 1] === '"') {
            state.field += '"';
            i += 1;
          } else if (ch === '"') {
            inQuotes = false;
          } else {
            state.field += ch;
          }
        } else if (ch === '"' && state.field === '') {
          // a quote opens a quoted field only at its start; elsewhere it is a literal character
          inQuotes = true;
        } else if (ch === separator) {
          state.fields.push(state.field);
          state.field = '';
        } else {
          state.field += ch;
        }
      }
      if (inQuotes) {
        pending = state;
        continue;
      }
      state.fields.push(state.field);
      yield { line: state.line, fields: state.fields };
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (pending) throw new CorruptFileError(`${file}:${pending.line}: quoted field never closed before the end of the file`);
}


/**
 * Streams the lines of libphonenumber's prefix files (`<digits>|<text>`), trimmed, with their
 * line numbers; `#` comments and blank lines are skipped. The caller parses and reports.
 */
export async function* readPrefixFile(file: string): AsyncGenerator<{ line: number; text: string }> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const text of lines) {
    lineNo += 1;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    yield { line: lineNo, text: trimmed };
  }
}
