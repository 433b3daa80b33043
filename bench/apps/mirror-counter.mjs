// The local app of the mirror bench: an HTTP server on PORT that counts the requests it receives (except the
// bench's own GET /__stats calls to the pod app, which are mirrored too) and prints
// {"copies": N} whenever the count changed in the last 200 ms (mirrored answers are dropped, so stdout is the only
// way to report). Prints {"listening": PORT} once bound.
//   node mirror-counter.mjs PORT
import { createServer } from "node:http";

const port = Number(process.argv[2]);
let copies = 0;
let reported = 0;

createServer((request, response) => {
  if (request.url !== "/__stats") copies++;
  request.resume();
  response.end("local copy\n");
}).listen(port, () => process.stdout.write(`${JSON.stringify({ listening: port })}\n`));

setInterval(() => {
  if (copies === reported) return;
  reported = copies;
  process.stdout.write(`${JSON.stringify({ copies })}\n`);
}, 200);
