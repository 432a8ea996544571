/**
 * A small RFC 4180 reader for the register import: comma-separated fields, fields in double quotes may hold
 * commas, line breaks and doubled quotes (`""` → `"`); records end with CRLF, LF or a lone CR. Each record keeps
 * the line it starts on, so a problem is reported where a person sees it in an editor. Lenient where spreadsheets
 * are (a quote inside an unquoted field is kept as written), strict where guessing would shift columns: text after
 * a closing quote marks that record bad, and a quote that never closes would swallow the rest of the file, so it
 * stops the read.
 */

/** One record: its fields, the (1-based) line it starts on, and what is wrong with its quoting, if anything. */
export interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

/** The file cannot be read as CSV at all (a quoted field is never closed). */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** The bytes are not UTF-8 (a spreadsheet saved as "CSV" in a legacy code page, say). */
export class NotUtf8Error extends Error {
  constructor() {
    super('the file is not UTF-8 text; save it as "CSV UTF-8" and try again');
    this.name = 'NotUtf8Error';
  }
}

/** The text of a UTF-8 file, without its byte-order mark; throws {@link NotUtf8Error} when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    // `fatal` refuses invalid bytes instead of turning them into U+FFFD (a Windows-1252 export would be garbled).
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new NotUtf8Error();
  }
}

/**
 * The records of a CSV text, blank lines left out. Line breaks inside quoted fields become `\n` whatever the
 * file uses, so the same content reads the same from a CRLF or an LF file.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (and has closed)
  let error: string | undefined;
  let quoteLine = 0;

  const endField = () => {
    fields.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    const blank = fields.length === 1 && fields[0] === '' && !error;
    if (!blank) records.push({ line: recordLine, fields, ...(error ? { error } : {}) });
    fields = [];
    error = undefined;
  };

  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quoted) {
      if (c === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          wasQuoted = true;
        }
      } else if (c === '\r' || c === '\n') {
        if (c === '\r' && input[i + 1] === '\n') i++;
        field += '\n';
        line++;
      } else {
        field += c;
      }
      continue;
    }
    if (c === ',') {
      endField();
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (wasQuoted) {
      // `"abc"def`: not CSV; say so for this record rather than guess where the field ends.
      error ??= `unexpected text after a closing quote in field ${fields.length + 1}; put the whole field in quotes and double any quote inside it`;
      field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new CsvSyntaxError(`line ${quoteLine}: a quoted field is never closed (a missing " swallows the rest of the file)`, quoteLine);
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return records;
}
