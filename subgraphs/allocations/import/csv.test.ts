// The importer's CSV reader: quoting, line numbers of records, encodings, gzip, and errors naming file:line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CorruptFileError, readCsv, type CsvOptions, type CsvRecord } from './csv.js';

const dir = mkdtempSync(join(tmpdir(), 'numbergraph-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(file: string, options?: CsvOptions): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of readCsv(file, options)) out.push(record);
  return out;
}

async function records(text: string | Buffer, options?: CsvOptions, name = `${Math.random()}.csv`): Promise<CsvRecord[]> {
  const file = join(dir, name);
  writeFileSync(file, text);
  return readAll(file, options);
}

describe('readCsv', () => {
  it('reads quoted fields with commas and doubled quotes, CRLF, and the line each record starts on', async () => {
    expect(await records('a,"b, c","say ""hi"""\r\n"multi\r\nline",x\r\nlast,')).toEqual([
      { line: 1, fields: ['a', 'b, c', 'say "hi"'] },
      { line: 2, fields: ['multi\nline', 'x'] },
      { line: 4, fields: ['last', ''] },
    ]);
  });

  it('keeps a stray quote inside a field as a character, without swallowing the next lines', async () => {
    expect(await records('7000 1,Foo "Bar Ltd,10\r\n7000 2,Baz,10\r\n')).toEqual([
      { line: 1, fields: ['7000 1', 'Foo "Bar Ltd', '10'] },
      { line: 2, fields: ['7000 2', 'Baz', '10'] },
    ]);
  });

  it('returns rows of any width, an empty line as one empty field, each at its own line (LF files too)', async () => {
    expect(await records('h1,h2,h3\n"two\nlines",x,y\n\nshort\nq,"a\nb\nc",z\n')).toEqual([
      { line: 1, fields: ['h1', 'h2', 'h3'] },
      { line: 2, fields: ['two\nlines', 'x', 'y'] },
      { line: 4, fields: [''] },
      // the malformed row the importer reports: its own line, after a record of two lines
      { line: 5, fields: ['short'] },
      { line: 6, fields: ['q', 'a\nb\nc', 'z'] },
    ]);
  });

  it("reads ARCEP's Latin-1, semicolon-separated files", async () => {
    const latin1 = Buffer.from('Mnémo;Territoire\r\nSFR0;"Guadeloupe, St Martin et St Barthélemy"\r\nTLC;Télécom Réunion\r\n', 'latin1');
    expect(await records(latin1, { separator: ';', encoding: 'latin1' })).toEqual([
      { line: 1, fields: ['Mnémo', 'Territoire'] },
      { line: 2, fields: ['SFR0', 'Guadeloupe, St Martin et St Barthélemy'] },
      { line: 3, fields: ['TLC', 'Télécom Réunion'] },
    ]);
  });

  it('reads UTF-8 (the default) without a byte order mark in the first field', async () => {
    expect(await records('\ufeffNMS Number Block,Holder\r\n7400 1,Télécom Ltd\r\n')).toEqual([
      { line: 1, fields: ['NMS Number Block', 'Holder'] },
      { line: 2, fields: ['7400 1', 'Télécom Ltd'] },
    ]);
  });

  it('unzips a .gz file as it reads it', async () => {
    expect(await records(gzipSync('a,b\r\n"c\r\nd",Télécom\r\n'), {}, 'zipped.csv.gz')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c\nd', 'Télécom'] },
    ]);
  });

  it('stops reading when the caller stops, releasing the file', async () => {
    const file = join(dir, 'long.csv');
    writeFileSync(file, Array.from({ length: 10_000 }, (_, i) => `${i},x`).join('\n'));
    const seen: number[] = [];
    for await (const { line } of readCsv(file)) {
      seen.push(line);
      if (line === 2) break;
    }
    expect(seen).toEqual([1, 2]);
    rmSync(file);
  });

  it('throws, naming file and line, on a quoted field never closed', async () => {
    const file = join(dir, 'open.csv');
    writeFileSync(file, 'ok,1\r\n"two\r\nlines",2\r\n"open,3\r\nmore,4\r\n');
    const error = await readAll(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as Error).message).toBe(`${file}:4: quoted field never closed before the end of the file`);
  });

  it('passes on a missing file as the file system reports it', async () => {
    await expect(readAll(join(dir, 'absent.csv'))).rejects.toThrow(/ENOENT/);
  });
});
