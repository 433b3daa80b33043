import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { type AgentFiles, FileReadAhead, readAheadBytes } from "./file-readahead.ts";

/** A remote file held in memory, answering preads like the agent does, and recording them. */
function remoteFile(content: Buffer): AgentFiles & { preads: { offset: bigint; length: number }[] } {
  const preads: { offset: bigint; length: number }[] = [];
  return {
    preads,
    pread: async (_handle, offset, length) => {
      preads.push({ offset, length });
      return content.subarray(Number(offset), Number(offset) + length);
    },
    fstat: async () => {
      throw new Error("not needed here");
    },
  };
}

test("a sequential reader gets the exact bytes, with growing blocks requested ahead of need", async () => {
  const content = randomBytes(5 * 1024 * 1024 + 123);
  const file = remoteFile(content);
  const readAhead = new FileReadAhead(file);
  readAhead.opened(0, 1n);
  const parts: Uint8Array[] = [];
  for (;;) {
    const chunk = await readAhead.read(1n, -1n, 64 * 1024);
    if (chunk.length === 0) break;
    parts.push(Buffer.from(chunk));
  }
  assert.ok(Buffer.concat(parts).equals(content));
  assert.deepEqual(file.preads[0], { offset: 0n, length: readAheadBytes }, "the first block is requested on open");
  assert.ok(
    file.preads.length <= 8,
    `5 MiB in ${file.preads.length} agent reads: ${JSON.stringify(file.preads, (_k, v) => (typeof v === "bigint" ? Number(v) : v))}`,
  );
  for (const [i, pread] of file.preads.entries()) {
    const previous = file.preads[i - 1];
    if (previous) assert.equal(pread.offset, previous.offset + BigInt(previous.length), "blocks follow each other");
  }
});

test("reads that straddle two blocks are served whole, joining the prefetched block", async () => {
  const content = randomBytes(3 * 1024 * 1024);
  const file = remoteFile(content);
  const readAhead = new FileReadAhead(file);
  readAhead.opened(0, 5n);
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = await readAhead.read(5n, -1n, 100_000);
    if (chunk.length === 0) break;
    assert.ok(chunk.length === 100_000 || parts.length === Math.floor(content.length / 100_000), "no short reads");
    parts.push(Buffer.from(chunk));
  }
  assert.ok(Buffer.concat(parts).equals(content));
  assert.ok(file.preads.length <= 6, `3 MiB in ${file.preads.length} agent reads`);
});

test("reads at explicit offsets leave the position alone; seeks are answered locally", async () => {
  const content = Buffer.from("0123456789");
  const readAhead = new FileReadAhead(remoteFile(content));
  readAhead.opened(0, 2n);
  assert.equal(Buffer.from(await readAhead.read(2n, 4n, 3)).toString(), "456");
  assert.equal(Buffer.from(await readAhead.read(2n, -1n, 2)).toString(), "01");
  assert.equal(readAhead.seekLocally(2n, 3n, 1), 5n);
  assert.equal(Buffer.from(await readAhead.read(2n, -1n, 100)).toString(), "56789");
  assert.equal((await readAhead.read(2n, -1n, 100)).length, 0, "end of file");
  assert.throws(() => readAhead.seekLocally(2n, -1n, 0), /invalid seek/);
});

test("files opened for writing are not taken over", () => {
  const readAhead = new FileReadAhead(remoteFile(Buffer.alloc(0)));
  readAhead.opened(1, 3n);
  readAhead.opened(2, 4n);
  assert.equal(readAhead.owns(3n), false);
  assert.equal(readAhead.owns(4n), false);
});
