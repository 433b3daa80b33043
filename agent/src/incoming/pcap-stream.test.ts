// The pcap parser and packet decoder on a synthetic capture (the layout tcpdump -w writes), fed whole and split
// at every possible byte boundary.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeTcpSegment, LinkType, TcpFlag } from "./packet-decode.ts";
import { type PcapRecord, PcapStream } from "./pcap-stream.ts";

function ipv4Tcp(
  src: number[],
  dst: number[],
  srcPort: number,
  dstPort: number,
  seq: number,
  flags: number,
  payload: string,
): Buffer {
  const data = Buffer.from(payload);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(dstPort, 2);
  tcp.writeUInt32BE(seq, 4);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + data.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(src).copy(ip, 12);
  Buffer.from(dst).copy(ip, 16);
  return Buffer.concat([ip, tcp, data]);
}

function ipv6Tcp(srcPort: number, dstPort: number, payload: string): Buffer {
  const data = Buffer.from(payload);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(dstPort, 2);
  tcp[12] = 5 << 4;
  tcp[13] = TcpFlag.ack;
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(20 + data.length, 4);
  ip[6] = 6;
  ip[23] = 1; // src ::1
  ip[24] = 0xfd; // dst fd00::2
  ip[39] = 2;
  return Buffer.concat([ip, tcp, data]);
}

function sll2(ip: Buffer, etherType: number): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(etherType, 0);
  return Buffer.concat([header, ip]);
}

function pcapFile(linkType: number, frames: Buffer[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linkType, 20);
  const records = frames.map((frame, i) => {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1700000000 + i, 0);
    record.writeUInt32LE(250, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

async function parse(chunks: Buffer[]): Promise<PcapRecord[]> {
  const records: PcapRecord[] = [];
  const stream = new PcapStream((record) => records.push(record));
  const finished = new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.once("finish", resolve);
  });
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await finished;
  return records;
}

describe("pcap stream and packet decoding", () => {
  const frames = [
    sll2(ipv4Tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 8080, 7, TcpFlag.syn, ""), 0x0800),
    sll2(
      ipv4Tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 8080, 8, TcpFlag.ack | TcpFlag.psh, "GET / HTTP/1.1\r\n"),
      0x0800,
    ),
    sll2(ipv6Tcp(40001, 8080, "v6 bytes"), 0x86dd),
    sll2(Buffer.from([0, 1, 2, 3]), 0x0806), // ARP: skipped by the decoder
  ];
  const file = pcapFile(LinkType.linuxSll2, frames);

  test("parses every record with its link type and timestamp", async () => {
    const records = await parse([file]);
    assert.equal(records.length, 4);
    assert.equal(records[0]?.linkType, LinkType.linuxSll2);
    assert.equal(records[1]?.timestampUs, (1700000000 + 1) * 1e6 + 250);
  });

  test("decodes IPv4 and IPv6 TCP segments and skips everything else", async () => {
    const segments = (await parse([file])).map((r) => decodeTcpSegment(r.linkType, r.data));
    assert.equal(segments[0]?.flags, TcpFlag.syn);
    assert.equal(segments[0]?.seq, 7);
    assert.equal(segments[1]?.payload.toString(), "GET / HTTP/1.1\r\n");
    assert.equal(segments[1]?.srcAddress, "10.0.0.1");
    assert.equal(segments[2]?.srcAddress, "::1");
    assert.equal(segments[2]?.dstAddress, "fd00::2");
    assert.equal(segments[2]?.payload.toString(), "v6 bytes");
    assert.equal(segments[3], undefined);
  });

  test("gives the same records however the stream is split", async () => {
    const whole = await parse([file]);
    for (let cut = 1; cut < file.length; cut++) {
      const split = await parse([file.subarray(0, cut), file.subarray(cut)]);
      assert.deepEqual(split, whole, `split at byte ${cut}`);
    }
    const bytewise = await parse([...file].map((byte) => Buffer.from([byte])));
    assert.deepEqual(bytewise, whole);
  });

  test("a stream that is not pcap, or a record larger than any snapshot, is an error", async () => {
    await assert.rejects(parse([Buffer.alloc(24, 0x41)]), /not pcap/);
    const huge = Buffer.from(file.subarray(0, 24 + 16));
    huge.writeUInt32LE(10 * 1024 * 1024, 24 + 8);
    await assert.rejects(parse([huge]), /exceeds/);
  });
});
