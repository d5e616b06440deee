// csv-to-json: a JS tool (kind = "js"). A plain script, not a module: Caxton calls the global
// function named by the manifest's entry with the input object and sends back what it
// returns; a thrown Error is the call's error. Only JavaScript's built-ins exist here.
/* exported csvToJson */
"use strict";

/**
 * Splits CSV text into records of string fields (RFC 4180): a field in double quotes may
 * hold the delimiter, line breaks and "" for one quote; lines end with \n, \r\n or \r.
 * Blank lines are skipped. Each record carries the line it starts on, for messages.
 */
function parseCsv(text, delimiter) {
  const records = [];
  let fields = [];
  let field = "";
  let quoted = false; // the current field was written in quotes ("" is then an empty field, not a blank line)
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  const n = text.length;

  const endField = () => {
    fields.push(field);
    field = "";
    quoted = false;
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field === "" && !quoted;
    endField();
    if (!blank) records.push({ fields, line: recordLine });
    fields = [];
  };
  const skipLineBreak = () => {
    i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
    line++;
  };

  while (i < n) {
    const c = text[i];
    if (c === '"' && field === "" && !quoted) {
      const openedOn = line;
      quoted = true;
      i++;
      for (;;) {
        if (i >= n) throw new Error(`line ${openedOn}: a quoted field is never closed (a " is missing)`);
        const q = text[i];
        if (q === '"') {
          i++;
          if (text[i] !== '"') break;
          field += '"'; // "" inside quotes is one quote
          i++;
        } else if (q === "\n" || q === "\r") {
          field += q === "\r" && text[i + 1] === "\n" ? "\r\n" : q;
          skipLineBreak();
        } else {
          field += q;
          i++;
        }
      }
      if (i < n && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") {
        throw new Error(
          `line ${line}: unexpected ${JSON.stringify(text[i])} after a closing quote (inside a quoted field, write a quote as "")`,
        );
      }
    } else if (c === delimiter) {
      endField();
      i++;
    } else if (c === "\n" || c === "\r") {
      endRecord();
      skipLineBreak();
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (fields.length > 0 || field !== "" || quoted) endRecord();
  return records;
}

/** Unique, non-empty column names: "" becomes column<N>, a repeated name gets _2, _3, ... */
function columnNames(headerFields) {
  const seen = new Set();
  return headerFields.map((raw, index) => {
    const base = raw.trim() === "" ? `column${index + 1}` : raw;
    let name = base;
    for (let k = 2; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    return name;
  });
}

/**
 * { csv, delimiter = ",", header = true } -> { columns, rows }. With a header, each row is
 * an object keyed by the column names (a short row gets "" for its missing fields; a row
 * with more fields than the header is an error); without one, each row is an array of
 * strings and columns is []. Values stay strings.
 */
function csvToJson(input) {
  if (typeof input.csv !== "string") throw new TypeError("csv must be a string");
  const delimiter = input.delimiter ?? ",";
  if (typeof delimiter !== "string" || delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new TypeError('delimiter must be one character other than ", \\n and \\r');
  }
  const records = parseCsv(input.csv, delimiter);
  if (input.header === false) return { columns: [], rows: records.map((r) => r.fields) };
  if (records.length === 0) return { columns: [], rows: [] };

  const columns = columnNames(records[0].fields);
  const rows = records.slice(1).map(({ fields, line }) => {
    if (fields.length > columns.length) {
      throw new Error(`line ${line}: ${fields.length} fields, but the header names ${columns.length} columns`);
    }
    // fromEntries defines own properties, so a column named __proto__ is just a column.
    return Object.fromEntries(columns.map((name, k) => [name, fields[k] ?? ""]));
  });
  return { columns, rows };
}
