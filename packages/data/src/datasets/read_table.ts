/** Whitespace-separated annotation files, read with errors that name the file, the line and the expected layout. */
import fs from 'node:fs';

/** A problem with a dataset on disk: names the file and says what was expected and where the data comes from. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** A row of a table and its 1-based line number in the file. */
export interface TableRow {
  fields: string[];
  line: number;
}

/**
 * Reads `file` as rows of at least `columns` fields, with their line numbers. `numeric` columns must be numbers
 * (integral when `integral`). The last column may contain spaces when `restIsText` (paths, names). The `unique`
 * columns together form a key that may appear once (an image id, or an image and part id).
 */
export function readTableRows(file: string, columns: number, layout: string, options: { numeric?: number[]; integral?: boolean; restIsText?: boolean; unique?: number[] } = {}): TableRow[] {
  if (!fs.existsSync(file)) throw new DatasetError(`Missing ${file}. ${layout}`);
  const rows: TableRow[] = [];
  const seen = new Map<string, number>();
  fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let fields = line.trim().split(/\s+/);
    if (options.restIsText && fields.length > columns) fields = [...fields.slice(0, columns - 1), fields.slice(columns - 1).join(' ')];
    if (fields.length < columns) throw new DatasetError(`${file}:${i + 1}: expected ${columns} fields, got ${fields.length} ('${line}'). ${layout}`);
    for (const c of options.numeric ?? []) {
      const v = Number(fields[c]);
      if (!Number.isFinite(v) || (options.integral && !Number.isInteger(v))) {
        throw new DatasetError(`${file}:${i + 1}: field ${c + 1} must be ${options.integral ? 'an integer' : 'a number'}, got '${fields[c]}'. ${layout}`);
      }
    }
    if (options.unique) {
      const key = options.unique.map((c) => Number(fields[c])).join(' ');
      const first = seen.get(key);
      if (first !== undefined) throw new DatasetError(`${file}:${i + 1}: ${options.unique.length > 1 ? `ids ${key} already appear` : `id ${key} already appears`} on line ${first}. ${layout}`);
      seen.set(key, i + 1);
    }
    rows.push({ fields, line: i + 1 });
  });
  return rows;
}

/** {@link readTableRows} without the line numbers. */
export function readTable(file: string, columns: number, layout: string, options: Parameters<typeof readTableRows>[3] = {}): string[][] {
  return readTableRows(file, columns, layout, options).map((r) => r.fields);
}
