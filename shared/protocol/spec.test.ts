import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { type Layout, layouts, MessageCode, type MessageName } from "./messages.ts";

// PROTOCOL.md is the contract the other components are written against: its field diagrams must match the table.
const spec = readFileSync(new URL("PROTOCOL.md", import.meta.url), "utf8");
const diagrams = [...spec.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1] as string);

/** Every `NAME  a:T | b:U …` diagram and `record = { a:T, … }` definition, as "name:type" lists. */
function parseDiagrams(): { messages: Map<string, string[]>; records: Map<string, string[]> } {
  const messages = new Map<string, string[]>();
  const records = new Map<string, string[]>();
  for (const diagram of diagrams) {
    let current: string[] | undefined;
    for (const line of diagram.split("\n")) {
      const message = line.match(/^([A-Z_]+)(\s|$)/);
      const record = line.match(/^([a-z_]+)\s+=\s+\{(.*)\}/);
      if (message?.[1] && message[1] in MessageCode) {
        current = [];
        messages.set(message[1], current);
      }
      if (record?.[1]) {
        records.set(
          record[1],
          [...(record[2] as string).matchAll(/([a-z_]+):([a-z0-9<>_]+)/g)].map((f) => `${f[1]}:${f[2]}`),
        );
        current = undefined;
        continue;
      }
      // Comments beside fields never contain "name:type", so every such pair on the line is a field.
      const fields = message ? line.slice((message[1] as string).length) : line;
      for (const f of fields.matchAll(/([a-z_]+):([a-z0-9<>_]+)/g)) current?.push(`${f[1]}:${f[2]}`);
    }
  }
  return { messages, records };
}

function describeLayout(layout: Layout, records: Map<string, string[]>): string[] {
  return layout.map((field) => {
    const [name, kind] = field;
    if (kind !== "list") return `${name}:${kind}`;
    const element = field[2];
    if (typeof element === "string") return `${name}:list<${element}>`;
    const wanted = describeLayout(element, records).join(" ");
    const record = [...records].find(([, fields]) => fields.join(" ") === wanted)?.[0] ?? `{${wanted}}`;
    return `${name}:list<${record}>`;
  });
}

test("PROTOCOL.md has a field diagram matching messages.ts for every message", () => {
  const { messages, records } = parseDiagrams();
  for (const name of Object.keys(MessageCode) as MessageName[]) {
    assert.deepEqual(messages.get(name) ?? [], describeLayout(layouts[name], records), `${name} in PROTOCOL.md`);
  }
});

test("PROTOCOL.md's overview table lists every message with its code", () => {
  for (const [name, code] of Object.entries(MessageCode)) {
    const row = `| 0x${code.toString(16).padStart(4, "0").toUpperCase()} | ${name} `;
    assert.ok(spec.replace(/ +\|/g, " |").includes(row), `missing overview row "${row}"`);
  }
});
