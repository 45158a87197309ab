// The importer's CSV reader: csv-parse over a streamed (and, for .gz, unzipped) file, each record with the line it starts on.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';

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
  /** The file's encoding: UTF-8 unless the publisher uses another, as ARCEP's Latin-1 (ISO-8859-1). */
  encoding?: 'utf8' | 'latin1';
}

/** Line breaks inside a record's quoted fields (CRLF, LF or CR each count once). */
const lineBreaks = (fields: readonly string[]) => fields.reduce((n, field) => n + (field.match(/\r\n|\n|\r/g)?.length ?? 0), 0);

/**
 * Streams the records of an RFC 4180 CSV file (quoted fields, doubled quotes, CRLF) with the
 * line each starts on; `.gz` files are unzipped on the way, never read whole. csv-parse reads
 * the bytes and decodes each field in the file's encoding. Rows of any width are returned (the
 * caller reports a row of the wrong width as a malformed line); a quote inside a field is a
 * literal character, as publishers write it ("Foo "Bar" Ltd"). A quote left open at the end
 * of the file is corruption of the whole file and throws, as does any other parse error:
 * a CorruptFileError naming `file:line` of the record it is in.
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter: options.separator ?? ',',
    encoding: options.encoding ?? 'utf8',
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
  });
  // A read or unzip error destroys the parser with it, so the loop below throws it; the
  // pipeline's own report of it (or of an early stop) has nothing to add.
  const ignore = () => {};
  const records = file.endsWith('.gz') ? pipeline(createReadStream(file), createGunzip(), parser, ignore) : pipeline(createReadStream(file), parser, ignore);
  // csv-parse counts lines itself, but not the CRLF inside a quoted field as one: the start of
  // each record follows from the one before and the line breaks its fields hold.
  let line = 1;
  try {
    // without `columns`, csv-parse emits each record as an array of its fields
    for await (const fields of records as AsyncIterable<string[]>) {
      const breaks = lineBreaks(fields);
      // a line break inside a quoted field reads as \n whatever the file's line ends
      yield { line, fields: breaks > 0 ? fields.map((field) => field.replace(/\r\n?/g, '\n')) : fields };
      line += 1 + breaks;
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new CorruptFileError(`${file}:${line}: quoted field never closed before the end of the file`);
    throw new CorruptFileError(`${file}:${line}: ${error.message}`);
  } finally {
    // A reader that stops early (a header, a date on line 2) releases the file at once.
    records.destroy();
  }
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
