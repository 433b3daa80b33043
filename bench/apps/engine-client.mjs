// The client side of the files and outgoing benches (bench/cases/), run plainly and under `doppel exec`: it
// measures its own file reads and downloads and prints one JSON line.
//   node engine-client.mjs files BIG_FILE SMALL_FILE [SMALL_ROUNDS]
//   node engine-client.mjs download HOST PORT
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";

const [mode, ...args] = process.argv.slice(2);

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const smallWarmup = 50;

function files(big, small, smallRounds = "500") {
  const buffer = Buffer.alloc(64 * 1024);
  let start = performance.now();
  const fd = openSync(big, "r");
  let total = 0;
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    total += n;
  }
  closeSync(fd);
  const fileMBps = total / 1e6 / ((performance.now() - start) / 1000);
  for (let i = 0; i < smallWarmup; i++) readFileSync(small);
  const smallUs = [];
  for (let i = 0; i < Number(smallRounds); i++) {
    start = performance.now();
    readFileSync(small);
    smallUs.push((performance.now() - start) * 1000);
  }
  start = performance.now();
  const one = Buffer.alloc(1);
  const byteFd = openSync(small, "r");
  while (readSync(byteFd, one, 0, 1, null) > 0);
  closeSync(byteFd);
  const byteByByteMs = performance.now() - start;
  return { fileMBps, smallP50Us: percentile(smallUs, 50), smallP99Us: percentile(smallUs, 99), byteByByteMs };
}

function download(host, port) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let total = 0;
    const socket = connect({ host, port: Number(port) }, () => socket.write("go"));
    socket.on("data", (chunk) => {
      total += chunk.length;
    });
    socket.on("end", () => resolve({ downloadMBps: total / 1e6 / ((performance.now() - start) / 1000), bytes: total }));
    socket.on("error", reject);
  });
}

const result = mode === "files" ? files(...args) : await download(...args);
process.stdout.write(`${JSON.stringify(result)}\n`);
