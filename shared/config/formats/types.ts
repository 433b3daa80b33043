// What every format module returns: the parsed value and a way to find where a key path sits in the text.

export type KeyPath = readonly (string | number)[];

/** 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** `value`: where the value of the path starts; `key`: where its key is written (for array items: the item). */
export type PositionPart = "value" | "key";

export interface ParsedConfig {
  value: unknown;
  locate(path: KeyPath, part?: PositionPart): Position | undefined;
}

/** Converts offsets in a text to 1-based line/column positions. */
export function positionsOf(text: string): (offset: number) => Position {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
  };
}

/** `a.b[2].c` for display. */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const segment of path)
    out += typeof segment === "number" ? `[${segment}]` : out === "" ? segment : `.${segment}`;
  return out;
}
