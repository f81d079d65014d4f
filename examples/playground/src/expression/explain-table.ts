// explain's text table cut into cells, so the page can show it as an HTML table and highlight a row.

/** A table: the header's cells, then one array of cells per row. */
export interface Table {
  header: string[];
  rows: string[][];
}

/**
 * Cuts `explain`'s output into cells. Its columns are padded to a common width and set two spaces
 * apart, and the header's names hold no double space, so each column starts where a header name
 * starts.
 */
export function parseExplain(text: string): Table {
  const [headerLine = '', ...lines] = text.split('\n');
  const starts = [...headerLine.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index);
  const cut = (line: string) =>
    starts.map((start, i) => line.slice(start, starts[i + 1] ?? line.length).trim());
  return { header: cut(headerLine), rows: lines.filter((line) => line.trim() !== '').map(cut) };
}
