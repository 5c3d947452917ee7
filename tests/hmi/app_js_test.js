// Tests for hmi/web/app.js under node: the message catalogue, the pure helpers, and the
// page rendering against a stub DOM built from the ids and data-i18n keys of index.html
// (so an id used by the script but missing from the markup fails here). Fake timers,
// WebSocket and fetch: nothing waits on real time.
// Usage: node app_js_test.js <hmi/web directory>
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const webDir = process.argv[2];
if (!webDir) {
  console.error('usage: node app_js_test.js <hmi/web directory>');
  process.exit(2);
}
const html = fs.readFileSync(path.join(webDir, 'index.html'), 'utf8');

// ---- A stub DOM: just what app.js uses. ----
class FakeNode {
  constructor(tag) {
    this.tagName = tag;
    this.children = [];
    this.ownText = '';
    this.className = '';
    this.style = {};
    this.dataset = {};
    this.hidden = false;
    this.listeners = {};
    this.classList = {
      toggle: (name, on) => {
        const set = new Set(this.className.split(/\s+/).filter(Boolean));
        if (on) set.add(name); else set.delete(name);
        this.className = [...set].join(' ');
      },
      contains: (name) => this.className.split(/\s+/).includes(name),
    };
  }
  set textContent(v) { this.ownText = String(v); this.children = []; }
  get textContent() {
    return this.ownText + this.children.map((c) => (typeof c === 'string' ? c : c.textContent))
      .join('');
  }
  append(...nodes) { this.children.push(...nodes); }
  replaceChildren(...nodes) { this.ownText = ''; this.children = nodes; }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  click() { (this.listeners.click || []).forEach((fn) => fn()); }
  classes() { return this.className.split(/\s+/).filter(Boolean); }
}

function makeDocument() {
  const byId = new Map();
  for (const m of html.matchAll(/\sid="([^"]+)"/g)) byId.set(m[1], new FakeNode('x'));
  const i18nNodes = [...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => {
    const node = new FakeNode('x');
    node.dataset.i18n = m[1];
    return node;
  });
  return {
    title: '',
    documentElement: { lang: '' },
    body: new FakeNode('body'),
    createElement: (tag) => new FakeNode(tag),
    getElementById: (id) => {
      if (!byId.has(id)) throw new Error(`index.html has no element with id "${id}"`);
      return byId.get(id);
    },
    querySelectorAll: (selector) => {
      assert.equal(selector, '[data-i18n]');
      return i18nNodes;
    },
    i18nNodes,
  };
}

const timers = [];
const sockets = [];
const fetches = [];
const storage = new Map();
class FakeWebSocket {
  constructor(url) { this.url = url; this.readyState = 0; sockets.push(this); }
  open() { this.readyState = 1; this.onopen(); }
  message(data) { this.onmessage({ data }); }
  drop() { this.readyState = 3; this.onclose(); }
}
FakeWebSocket.OPEN = 1;

function installBrowserGlobals(document) {
  const localStorage = {
    getItem: (k) => (storage.has(k) ? storage.get(k) : null),
    setItem: (k, v) => storage.set(k, String(v)),
  };
  Object.assign(global, {
    document,
    window: { localStorage },
    localStorage,
    location: { protocol: 'http:', host: '127.0.0.1:8080' },
    WebSocket: FakeWebSocket,
    setTimeout: (fn, ms) => { timers.push({ fn, ms, repeat: false }); return timers.length; },
    setInterval: (fn, ms) => { timers.push({ fn, ms, repeat: true }); return timers.length; },
    clearInterval: (id) => { timers[id - 1].cleared = true; },
    fetch: (url) => {
      fetches.push(url);
      return Promise.resolve({ ok: true, status: 200,
                               text: () => Promise.resolve('{"running_state":"stopped"}') });
    },
  });
}

// ---- Runner ----
const results = [];
function test(name, fn) { results.push({ name, fn }); }

// ---- Pure parts ----
const hmi = require(path.resolve(webDir, 'app.js'));

test('both languages have the same non-empty message keys', () => {
  const zh = hmi.MESSAGES['zh-CN'];
  const en = hmi.MESSAGES.en;
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const table of [zh, en]) {
    for (const [key, text] of Object.entries(table)) {
      assert.ok(typeof text === 'string' && text.length > 0, `empty message ${key}`);
    }
  }
  assert.equal(hmi.DEFAULT_LANG, 'zh-CN');
});

test('every data-i18n key in index.html is in the catalogue', () => {
  for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) {
    assert.ok(m[1] in hmi.MESSAGES['zh-CN'], `missing key ${m[1]}`);
  }
});

test('the catalogue names every grade, priority and alarm state', () => {
  const keys = hmi.MESSAGES.en;
  for (const g of hmi.GRADES) assert.ok(`grade_${g}` in keys, g);
  for (const p of ['urgent', 'high', 'medium', 'low']) assert.ok(`priority_${p}` in keys, p);
  for (const s of ['unacked_active', 'acked_active', 'unacked_returned']) {
    assert.ok(`alarm_${s}` in keys, s);
  }
});

test('translate fills placeholders and shows a missing key as itself', () => {
  assert.equal(hmi.translate('en', 'lane_n', { n: 3 }), 'Lane 3');
  assert.equal(hmi.translate('zh-CN', 'lane_n', { n: 3 }), '通道 3');
  assert.equal(hmi.translate('en', 'no_such_key'), 'no_such_key');
  assert.equal(hmi.translate('fr', 'title'), hmi.MESSAGES['zh-CN'].title);
});

test('uptime is h:mm:ss and missing numbers are a dash', () => {
  assert.equal(hmi.formatUptime(3725.9), '1:02:05');
  assert.equal(hmi.formatUptime(0), '0:00:00');
  assert.equal(hmi.formatUptime(undefined), '—');
  assert.equal(hmi.formatNumber('en', 'x'), '—');
  assert.equal(hmi.formatNumber('en', 4321), '4,321');
});

test('bars scale to the largest value and never overflow', () => {
  assert.equal(hmi.barFraction(50, 100), 0.5);
  assert.equal(hmi.barFraction(0, 0), 0);
  assert.equal(hmi.barFraction(200, 100), 1);
  assert.equal(hmi.barFraction(undefined, 100), 0);
});

test('alarms sort by priority, then unacknowledged, then newest', () => {
  const sorted = hmi.sortAlarms([
    { key: 'low', priority: 'low', state: 'unacked_active', raised_at_ms: 5 },
    { key: 'high-acked', priority: 'high', state: 'acked_active', raised_at_ms: 9 },
    { key: 'high-old', priority: 'high', state: 'unacked_active', raised_at_ms: 1 },
    { key: 'high-new', priority: 'high', state: 'unacked_active', raised_at_ms: 2 },
    { key: 'urgent', priority: 'urgent', state: 'acked_active', raised_at_ms: 0 },
  ]);
  assert.deepEqual(sorted.map((a) => a.key),
                   ['urgent', 'high-new', 'high-old', 'high-acked', 'low']);
  assert.deepEqual(hmi.sortAlarms(undefined), []);
});

test('alarm colours: red for urgent/high/unknown, amber for medium/low', () => {
  assert.equal(hmi.alarmClass({ priority: 'urgent' }), 'alarm-high');
  assert.equal(hmi.alarmClass({ priority: 'high' }), 'alarm-high');
  assert.equal(hmi.alarmClass({ priority: 'medium' }), 'alarm-medium');
  assert.equal(hmi.alarmClass({ priority: 'low' }), 'alarm-medium');
  assert.equal(hmi.alarmClass({ priority: 'bogus' }), 'alarm-high');
});

test('cold-room temperature against its band and data quality', () => {
  const room = { temp_c: 6.1, min_c: 5, max_c: 8, quality: 'good' };
  assert.equal(hmi.roomTempState(room), 'ok');
  assert.equal(hmi.roomTempState({ ...room, temp_c: 8.2 }), 'high');
  assert.equal(hmi.roomTempState({ ...room, temp_c: 4.9 }), 'low');
  assert.equal(hmi.roomTempState({ ...room, quality: 'bad' }), 'bad');
  assert.equal(hmi.roomTempState({ min_c: 5 }), 'bad');
});

test('reconnect back-off doubles from 1 s and stops at 30 s', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20].map(hmi.backoffMs),
                   [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

// ---- The page against the stub DOM ----
const sample = {
  api_version: 1, line: 'line-1', line_name: 'Line 1', running_state: 'running',
  plc_link: 'up', belt_speed_cups_per_s: 8.0, cup_at_camera: 1234, uptime_s: 12.5,
  fruit_total: 4321, fruit_per_s: 31.5, fruit_per_lane: [1080, 1081, 1080, 1080],
  fruit_per_outlet: [{ id: 'O01', number: 1, kind: 'product', products: ['EX-A'], count: 12 }],
  fruit_per_grade: { extra: 100, class_i: 2000, class_ii: 300, out_of_grade: 20, unknown: 5 },
  empty_cups: 50,
  cold_rooms: [
    { id: 'CR-RAW', name: 'Raw fruit store', temp_c: 6.1, setpoint_c: 6.0, min_c: 5.0,
      max_c: 8.0, door_open: false, defrost: false, quality: 'good' },
    { id: 'CR-STAGE', name: 'Staging', temp_c: 9.5, setpoint_c: 6.0, min_c: 5.0, max_c: 8.0,
      door_open: true, defrost: false, quality: 'good' },
  ],
  alarms: [
    { key: 'door', source: 'CR-STAGE', message: 'door open', priority: 'medium',
      state: 'acked_active', raised_at_ms: 1764380000000 },
    { key: 'link.sorter.down', source: 'sorter', message: 'sorter link down',
      priority: 'high', state: 'unacked_active', raised_at_ms: 1764380001000 },
  ],
  store: { committed: 4300, dropped: 0, last_error: '' },
};

test('the page renders a status document in Chinese by default', () => {
  const doc = makeDocument();
  installBrowserGlobals(doc);
  hmi.start();
  const $ = (id) => doc.getElementById(id);
  assert.equal(doc.title, '分选线状态');
  assert.equal(doc.documentElement.lang, 'zh-CN');
  assert.ok(doc.i18nNodes.every((n) => n.textContent.length > 0), 'an unlabelled element');
  assert.equal($('connection').textContent, '连接中');
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, 'ws://127.0.0.1:8080/api/v1/live');

  sockets[0].open();
  assert.equal($('connection').textContent, '实时');
  sockets[0].message(JSON.stringify(sample));
  assert.equal($('line-name').textContent, 'Line 1');
  assert.equal($('running-state').textContent, '运行');
  assert.ok(!$('running-state').classes().some((c) => c.startsWith('abnormal')));
  assert.equal($('fruit-total').textContent, '4,321');
  assert.equal($('uptime').textContent, '0:00:12');
  assert.equal($('lanes').children.length, 4);
  assert.equal($('grades').children.length, 5);
  assert.match($('grades').children[0].textContent, /^特级/);
  assert.equal($('outlets').children.length, 1);
  const rooms = $('cold-rooms').children;
  assert.equal(rooms.length, 2);
  assert.ok(!rooms[0].textContent.includes('超温'));
  assert.ok(rooms[1].textContent.includes('超温'));
  assert.deepEqual(rooms[1].children[1].children[0].classes(), ['abnormal-medium']);
  const alarms = $('alarm-list').children;
  assert.equal(alarms.length, 2);
  assert.deepEqual(alarms[0].classes(), ['alarm-high', 'unacked']);
  assert.deepEqual(alarms[1].classes(), ['alarm-medium', 'acked']);
  assert.ok(alarms[0].textContent.includes('sorter link down'));
});

test('the language toggle switches every label and is remembered', () => {
  const doc = global.document;
  doc.getElementById('lang-toggle').click();
  assert.equal(doc.title, 'Line status');
  assert.equal(doc.getElementById('running-state').textContent, 'Running');
  assert.equal(doc.getElementById('lang-toggle').textContent, '中文');
  assert.equal(storage.get('coldsort.lang'), 'en');
});

test('abnormal states are coloured and unknown words shown as sent', () => {
  const $ = (id) => global.document.getElementById(id);
  sockets[0].message(JSON.stringify({ running_state: 'faulted', plc_link: 'down' }));
  assert.ok($('running-state').classes().includes('abnormal-high'));
  assert.ok($('plc-link').classes().includes('abnormal-high'));
  sockets[0].message(JSON.stringify({ running_state: 'warming_up' }));
  assert.equal($('running-state').textContent, 'warming_up');
  assert.equal($('fruit-total').textContent, '—');
  assert.equal($('alarm-list').children[0].textContent, 'No active alarms');
  sockets[0].message('not json');
  assert.equal($('running-state').textContent, 'warming_up');
});

test('a dropped socket shows connection lost and reconnects with back-off', () => {
  const $ = (id) => global.document.getElementById(id);
  const pending = () => timers.filter((t) => !t.repeat && !t.done);
  const fire = (t) => { t.done = true; t.fn(); };
  sockets[0].drop();
  assert.equal($('connection-lost').hidden, false);
  assert.equal($('connection').textContent, 'Lost');
  assert.deepEqual(pending().map((t) => t.ms), [1000]);
  fire(pending()[0]);
  assert.equal(sockets.length, 2);
  sockets[1].drop();  // never opened: the first failure before an open
  assert.deepEqual(pending().map((t) => t.ms), [2000]);
  assert.equal(fetches.length, 0);
  fire(pending()[0]);
  sockets[2].drop();  // the second: polling starts beside the retries
  assert.equal(fetches.length, 1);
  assert.ok(timers.some((t) => t.repeat && t.ms === 2000 && !t.cleared));
  fire(pending()[0]);
  sockets[3].open();
  assert.equal($('connection-lost').hidden, true);
  assert.ok(timers.filter((t) => t.repeat && t.ms === 2000).every((t) => t.cleared));
});

(async () => {
  let failed = 0;
  for (const { name, fn } of results) {
    try {
      await fn();
      console.log(`ok   ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${name}\n     ${e.stack.split('\n').slice(0, 3).join('\n     ')}`);
    }
  }
  console.log(`${results.length - failed}/${results.length} passed`);
  process.exit(failed === 0 ? 0 : 1);
})();
