import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv, type CsvRecord } from './csv.js';

const dir = mkdtempSync(join(tmpdir(), 'numbergraph-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function records(text: string): Promise<CsvRecord[]> {
  const file = join(dir, `${Math.random()}.csv`);
  writeFileSync(file, text);
  const out: CsvRecord[] = [];
  for await (const record of readCsv(file)) out.push(record);
  return out;
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

  it("reads ARCEP's Latin-1, semicolon-separated files", async () => {
    const file = join(dir, 'latin1.csv');
    writeFileSync(file, Buffer.from('Mnémo;Territoire\r\nSFR0;"Guadeloupe, St Martin et St Barthélemy"\r\n', 'latin1'));
    const out: CsvRecord[] = [];
    for await (const record of readCsv(file, { separator: ';', encoding: 'latin1' })) out.push(record);
    expect(out).toEqual([
      { line: 1, fields: ['Mnémo', 'Territoire'] },
      { line: 2, fields: ['SFR0', 'Guadeloupe, St Martin et St Barthélemy'] },
    ]);
  });

  it('throws, naming file and line, on a quoted field never closed', async () => {
    await expect(records('ok,1\r\n"open,2\r\nmore,3\r\n')).rejects.toThrow(/:2: quoted field never closed/);
  });
});
