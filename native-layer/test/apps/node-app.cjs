// Exercises what a Node service does at start-up: http server and client, fs.readFile, fs.stat, fs.readdir,
// dns.lookup and a child process. Prints one line per result; `node-app.cjs PATH` reads PATH instead of itself.
const fs = require("node:fs");
const http = require("node:http");
const dns = require("node:dns");
const { execFileSync } = require("node:child_process");

const file = process.argv[2] ?? __filename;
const results = [];
results.push(`readFile bytes=${fs.readFileSync(file).length}`);
results.push(`stat isFile=${fs.statSync(file).isFile()} size=${fs.statSync(file).size}`);
results.push(`readdir has this file=${fs.readdirSync(__dirname).includes("node-app.cjs")}`);
results.push(`child says ${execFileSync("/bin/sh", ["-c", "echo child $((6 * 7))"]).toString().trim()}`);
dns.lookup("localhost", { family: 4 }, (error, address) => {
  results.push(`dns.lookup localhost=${error ? error.code : address}`);
  const server = http.createServer((req, res) => res.end(`hello ${req.url}`));
  server.listen(0, "127.0.0.1", () => {
    http.get(`http://127.0.0.1:${server.address().port}/node`, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => {
        results.push(`http ${res.statusCode} ${body}`);
        server.close();
        fs.readFile(file, (err, data) => {
          results.push(`async readFile ${err ? err.code : data.length}`);
          console.log(results.join("\n"));
        });
      });
    });
  });
});
