// Runs the C codec's vector program (native-layer/test/proto/vectors.c) over a batch of frames, for the vector
// test and the differential fuzz loop. Builds it with make first; make skips the build when it is up to date.
import { execFileSync } from "node:child_process";

const root = new URL("../../", import.meta.url).pathname;
const program = `${root}native-layer/build/proto/vectors`;

export type CResult = { ok: true; hex: string; json: string } | { ok: false; error: string };

export function buildCVectorProgram(): void {
  execFileSync("make", ["-s", "-C", `${root}native-layer/test/proto`, "vectors"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Decodes each frame with the C codec: its canonical JSON and re-encoded hex, or its DPL_ERR_* code. */
export function runCCodec(frames: Uint8Array[]): CResult[] {
  const input = frames.map((frame) => `${Buffer.from(frame).toString("hex")}\n`).join("");
  const output = execFileSync(program, { input, maxBuffer: 1 << 30, encoding: "utf8" });
  const lines = output.split("\n").slice(0, -1);
  if (lines.length !== frames.length) {
    throw new Error(`${program} answered ${lines.length} lines for ${frames.length} frames`);
  }
  return lines.map((line): CResult => {
    if (line.startsWith("ERR ")) return { ok: false, error: line.slice(4) };
    const space = line.indexOf(" ", 3);
    return { ok: true, hex: line.slice(3, space), json: line.slice(space + 1) };
  });
}
