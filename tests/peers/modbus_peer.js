#!/usr/bin/env node
// An independent Modbus server for coldsort's integration tests, built on the npm package
// modbus-serial (pure JavaScript: it shares no code with libmodbus or coldsort). It plays
// field devices (a cold-room controller, a VFD, ...) whose register image the test sets, and
// injects faults on command.
//
//   node modbus_peer.js --tcp 0 [--unit 10 ...]                    (0: any free port)
//   node modbus_peer.js --rtu /dev/pts/N --baud 19200 --parity E [--unit 10 ...]
//
// When serving it prints ONE line of JSON on stdout ({"ready":true,"port":N} or
// {"ready":true,"path":"..."}), then reads JSON commands from stdin, one per line, and
// answers each with one JSON line ({"ok":true,...} or {"ok":false,"error":"..."}), so the
// test synchronises on answers, never on sleeps:
//   {"cmd":"set","unit":10,"table":"input","address":0,"values":[-185,42]}
//        tables: coil, discrete, input, holding (or coldsort's names: input_register, ...);
//        register values -32768..65535 (negative ones are stored as two's complement)
//   {"cmd":"exception","unit":10,"code":6,"count":2}  next 2 requests to unit 10: exception 6
//   {"cmd":"delay","unit":20,"ms":800,"count":1}      next request answered 800 ms late
//   {"cmd":"drop","count":1}                          TCP: close the connection on the next
//                                                     request instead of answering it
//   {"cmd":"silent","unit":10,"on":true}              unit 10 stops (or resumes) answering
//   {"cmd":"settle"}     answers once every late reply has been sent (sent_late: how many)
//   {"cmd":"writes"}     the writes received so far: [{unit,table,address,values,answer}]
//   {"cmd":"stats"}      requests per unit, connections accepted (TCP), frames dropped for a
//                        bad CRC (RTU)
//   {"cmd":"quit"}
// Units given with --unit (or first named by a "set") answer; any other unit id is silent,
// like an address nobody holds on an RS-485 bus. Unset registers read 0.
// stdin closing (the test died) ends the peer.
"use strict";

const readline = require("readline");
const ModbusRTU = require("modbus-serial");
const crc16 = require("modbus-serial/utils/crc16");

// modbus-serial's serial server reports some errors with console.log, which would land in
// the middle of the JSON answers on stdout: send all console output to stderr instead.
console.log = (...args) => console.error(...args);
const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

function parseArgs(argv) {
  const opts = { units: [], baud: 9600, parity: "N", dataBits: 8, stopBits: 1, interval: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${key} needs a value`);
    switch (key) {
      case "--tcp": opts.tcpPort = Number(value); break;
      case "--rtu": opts.rtuPath = value; break;
      case "--baud": opts.baud = Number(value); break;
      case "--parity": opts.parity = value.toUpperCase(); break;
      case "--data-bits": opts.dataBits = Number(value); break;
      case "--stop-bits": opts.stopBits = Number(value); break;
      // Silence that ends a serial frame. modbus-serial frames RTU requests by a gap in
      // arrival, not by the 3.5 character times of the Modbus serial line spec (§2.5.1.1);
      // a pty delivers a request in one piece, so a short gap only adds latency.
      case "--interval": opts.interval = Number(value); break;
      case "--unit": opts.units.push(Number(value)); break;
      default: throw new Error(`unknown option ${key}`);
    }
  }
  if ((opts.tcpPort === undefined) === (opts.rtuPath === undefined))
    throw new Error("give exactly one of --tcp PORT and --rtu PATH");
  return opts;
}

// ---- the register image -------------------------------------------------------------------

const TABLES = {
  coil: "coil", discrete: "discrete", input: "input", holding: "holding",
  discrete_input: "discrete", input_register: "input", holding_register: "holding",
};
const units = new Map();  // unit id -> { coil, discrete, input, holding: Map(address -> value) }

function unitImage(unit) {
  if (!units.has(unit))
    units.set(unit, { coil: new Map(), discrete: new Map(), input: new Map(), holding: new Map() });
  return units.get(unit);
}

function tableOf(name) {
  const table = TABLES[name];
  if (!table) throw new Error(`unknown table "${name}"`);
  return table;
}

function store(unit, table, address, values) {
  const image = unitImage(unit)[table];
  values.forEach((v, i) => {
    if (table === "coil" || table === "discrete") {
      image.set(address + i, v ? 1 : 0);
    } else {
      if (!Number.isInteger(v) || v < -32768 || v > 65535)
        throw new Error(`register value ${v} is not a 16-bit integer`);
      image.set(address + i, v & 0xffff);
    }
  });
}

const read = (unit, table, address) => unitImage(unit)[table].get(address) || 0;

// ---- faults, decided once per request ------------------------------------------------------

const faults = new Map();  // unit -> { exception: {code,count}, delay: {ms,count}, silent }
let dropsLeft = 0;
let server = null;
let isTcp = false;
const requests = new Map();  // unit -> requests received
const writes = [];
let lateInFlight = 0;
let lateSent = 0;
let settleWaiters = [];
let connections = 0;
let badFrames = 0;  // serial frames dropped for a bad CRC

function faultsOf(unit) {
  if (!faults.has(unit)) faults.set(unit, { exception: { code: 0, count: 0 }, delay: { ms: 0, count: 0 }, silent: false });
  return faults.get(unit);
}

function pickAction(unit) {
  requests.set(unit, (requests.get(unit) || 0) + 1);
  if (dropsLeft > 0 && isTcp) {
    dropsLeft -= 1;
    return { kind: "drop" };
  }
  if (!units.has(unit)) return { kind: "ignore" };
  const f = faultsOf(unit);
  if (f.silent) return { kind: "ignore" };
  if (f.exception.count > 0) {
    f.exception.count -= 1;
    return { kind: "exception", code: f.exception.code };
  }
  if (f.delay.count > 0) {
    f.delay.count -= 1;
    return { kind: "delay", ms: f.delay.ms, queue: [] };
  }
  return { kind: "normal" };
}

// modbus-serial calls the vector once per register or bit of a request, synchronously, in
// the one timer task that parses the request; each request gets its own task. So a decision
// kept until the next microtask checkpoint covers exactly one request.
let current = null;
function decide(unit) {
  if (current && current.unit === unit) return current.action;
  const action = pickAction(unit);
  if (action.kind === "drop") for (const sock of server.socks.keys()) sock.destroy();
  if (action.kind === "delay") startLate(action);
  current = { unit, action };
  queueMicrotask(() => { current = null; });
  return action;
}

function startLate(action) {
  lateInFlight += 1;
  setTimeout(() => {
    // The answers queued for this request complete it; modbus-serial writes the reply from
    // inside these calls.
    for (const answer of action.queue) answer();
    afterReplyWritten(() => {
      lateInFlight -= 1;
      lateSent += 1;
      if (lateInFlight === 0) {
        settleWaiters.forEach((w) => w());
        settleWaiters = [];
      }
    });
  }, action.ms);
}

// Calls `done` once a reply handed to the transport has left this process: a serial port's
// drain waits for the bytes to be transmitted; a TCP write to loopback has reached the
// kernel when the event loop comes round.
function afterReplyWritten(done) {
  if (isTcp) setImmediate(done);
  else server.getPort().drain(() => done());
}

function answer(action, cb, value) {
  switch (action.kind) {
    case "normal": return cb(null, value);
    case "exception":
      return cb({ modbusErrorCode: action.code, msg: `injected exception ${action.code}` });
    case "delay": return action.queue.push(() => cb(null, value));
    default: return undefined;  // ignore, drop: never answered
  }
}

// ---- the vector modbus-serial calls --------------------------------------------------------

function readOne(table) {
  return (address, unit, cb) => answer(decide(unit), cb, read(unit, table, address));
}

function readMany(table) {
  return (address, length, unit, cb) => {
    const values = [];
    for (let i = 0; i < length; i++) values.push(read(unit, table, address + i));
    answer(decide(unit), cb, values);
  };
}

function writeMany(table) {
  return (address, values, unit, cb) => {
    const action = decide(unit);
    const accepted = action.kind === "normal" || action.kind === "delay";
    writes.push({ unit, table, address, values: values.map(Number),
                  answer: accepted ? "ok" : action.kind });
    if (accepted) store(unit, table, address, values.map(Number));
    answer(action, cb, undefined);
  };
}

const vector = {
  getCoil: readOne("coil"),
  getDiscreteInput: readOne("discrete"),
  getInputRegister: readOne("input"),
  getHoldingRegister: readOne("holding"),
  getMultipleInputRegisters: readMany("input"),
  getMultipleHoldingRegisters: readMany("holding"),
  setRegisterArray: writeMany("holding"),
  // FC06 and FC05: one value each. (FC15 goes through setCoil bit by bit.)
  setRegister: (address, value, unit, cb) => writeMany("holding")(address, [value], unit, cb),
  setCoil: (address, value, unit, cb) => writeMany("coil")(address, [value ? 1 : 0], unit, cb),
};

// ---- commands -------------------------------------------------------------------------------

function positive(n, what) {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer`);
  return n;
}

const commands = {
  set(c) {
    if (!Array.isArray(c.values)) throw new Error("values must be an array");
    store(positive(c.unit, "unit"), tableOf(c.table), positive(c.address, "address"), c.values);
    return {};
  },
  exception(c) {
    if (!Number.isInteger(c.code) || c.code < 1 || c.code > 255) throw new Error("code must be 1..255");
    faultsOf(positive(c.unit, "unit")).exception = { code: c.code, count: positive(c.count ?? 1, "count") };
    return {};
  },
  delay(c) {
    faultsOf(positive(c.unit, "unit")).delay = { ms: positive(c.ms, "ms"), count: positive(c.count ?? 1, "count") };
    return {};
  },
  drop(c) {
    if (!isTcp) throw new Error("drop is for TCP; a serial line has no connection to drop");
    dropsLeft = positive(c.count ?? 1, "count");
    return {};
  },
  silent(c) {
    faultsOf(positive(c.unit, "unit")).silent = c.on !== false;
    return {};
  },
  writes: () => ({ writes }),
  stats: () => ({ requests: Object.fromEntries(requests), connections, bad_frames: badFrames }),
  settle: () => (lateInFlight === 0 ? { sent_late: lateSent }
    : new Promise((resolve) => settleWaiters.push(() => resolve({ sent_late: lateSent })))),
  quit() {
    setImmediate(() => server.close(() => process.exit(0)));
    setTimeout(() => process.exit(0), 1000).unref();
    return {};
  },
};

async function run(line) {
  let c;
  try {
    c = JSON.parse(line);
    const handler = commands[c.cmd];
    if (!handler) throw new Error(`unknown command "${c.cmd}"`);
    say({ ok: true, ...(await handler(c)) });
  } catch (err) {
    say({ ok: false, error: String(err.message || err) });
  }
}

// Commands are answered in order, one at a time: a "settle" holds back the ones after it.
function readCommands() {
  let chain = Promise.resolve();
  const input = readline.createInterface({ input: process.stdin });
  input.on("line", (line) => { if (line.trim()) chain = chain.then(() => run(line)); });
  input.on("close", () => process.exit(0));
}

// ---- start ------------------------------------------------------------------------------------

function startTcp(opts) {
  isTcp = true;
  // ServerTCP listens on `options.port || 502`, so a numeric 0 would become 502; Node's
  // listen() takes the port as a string too, and "0" asks for any free port.
  server = new ModbusRTU.ServerTCP(vector, { host: "127.0.0.1", port: String(opts.tcpPort), unitID: 255 });
  server.on("serverError", (err) => { say({ ready: false, error: String(err.message) }); process.exit(1); });
  server.on("socketError", () => {});  // a client that went away; nothing to do
  server._server.on("connection", () => { connections += 1; });
  server.on("initialized", () => {
    say({ ready: true, port: server._server.address().port });
    readCommands();
  });
}

function startRtu(opts) {
  const parity = { N: "none", E: "even", O: "odd" }[opts.parity];
  if (!parity) throw new Error(`parity must be N, E or O, not ${opts.parity}`);
  const options = {
    path: opts.rtuPath, baudRate: opts.baud, parity, unitID: 255, interval: opts.interval,
    openCallback: (err) => {
      if (err) { say({ ready: false, error: String(err.message) }); process.exit(1); }
    },
  };
  server = new ModbusRTU.ServerSerial(vector, options, { dataBits: opts.dataBits, stopBits: opts.stopBits });
  frameByLength(server._server);
  server.on("initialized", () => {
    say({ ready: true, path: opts.rtuPath });
    readCommands();
  });
}

// modbus-serial's serial server takes whatever arrived before a pause as ONE request, and
// rewrites its CRC instead of checking it. So two requests that arrive back to back (a master
// that found an answer already waiting sends its next request at once) become one bad
// request, silently dropped, and a damaged frame is answered as if it were sound. A slave
// should do neither: cut the bytes into frames by the request lengths of the Modbus
// Application Protocol (§6: FC01-06 are 8 bytes in RTU, FC15/16 carry a byte count at offset
// 6) and drop frames whose CRC is wrong (Modbus over Serial Line §2.5.1.2), then hand each
// frame to modbus-serial's own handler.
function frameByLength(stream) {
  const [handler] = stream.listeners("data");
  stream.removeListener("data", handler);
  stream.on("data", (bytes) => {
    for (let at = 0; at < bytes.length;) {
      const fc = bytes[at + 1];
      let length = bytes.length - at;
      if (fc >= 1 && fc <= 6) length = 8;
      else if ((fc === 15 || fc === 16) && at + 6 < bytes.length) length = 9 + bytes[at + 6];
      const frame = bytes.subarray(at, Math.min(at + length, bytes.length));
      at += length;
      if (frame.length >= 4 && frame.readUInt16LE(frame.length - 2) === crc16(frame.subarray(0, -2)))
        handler(Buffer.from(frame));
      else
        badFrames += 1;
    }
  });
}

try {
  const opts = parseArgs(process.argv.slice(2));
  opts.units.forEach((u) => unitImage(positive(u, "--unit")));
  if (opts.rtuPath) startRtu(opts);
  else startTcp(opts);
} catch (err) {
  say({ ready: false, error: String(err.message) });
  process.exit(2);
}
