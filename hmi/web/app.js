// coldsort line status page. Receives the status document over a WebSocket on /api/v1/live
// (polling GET /api/v1/status when WebSockets fail) and renders what it contains; any field
// may be missing. Every visible word comes from MESSAGES below. Plain ES2017, no libraries.
'use strict';

const ColdsortHmi = (() => {
  const MESSAGES = {
    'zh-CN': {
      title: '分选线状态', lang_toggle: 'English',
      running_state: '运行状态', plc_link: 'PLC 通讯', connection: '连接',
      state_starting: '启动中', state_running: '运行', state_stopping: '停止中',
      state_stopped: '停止', state_idle: '空闲', state_paused: '暂停',
      state_faulted: '故障', state_estop: '急停',
      link_up: '正常', link_down: '中断', link_degraded: '不稳定',
      conn_connecting: '连接中', conn_live: '实时', conn_polling: '轮询',
      conn_lost: '已断开', conn_stale: '数据未更新',
      connection_lost: '与控制器的连接中断，显示的数据可能已过时',
      alarms: '报警', no_alarms: '无活动报警', more_alarms: '另有 {n} 条报警',
      priority_urgent: '紧急', priority_high: '高', priority_medium: '中', priority_low: '低',
      alarm_unacked_active: '未确认', alarm_acked_active: '已确认',
      alarm_unacked_returned: '已恢复，未确认',
      belt_speed: '输送速度', unit_cups_per_s: '杯/秒', fruit_per_s: '分选速率',
      unit_fruit_per_s: '个/秒', fruit_total: '果数合计', empty_cups: '空杯',
      cup_at_camera: '相机处杯号', uptime: '运行时间',
      lanes: '各通道果数', lane_n: '通道 {n}',
      grades: '各等级果数', grade_extra: '特级', grade_class_i: '一级',
      grade_class_ii: '二级', grade_out_of_grade: '等外', grade_unknown: '未定级',
      outlets: '各出口果数', outlet_kind_product: '产品', outlet_kind_reject: '剔除',
      outlet_kind_recirculation: '回流',
      cold_rooms: '冷库', col_room: '库房', col_temp: '温度', col_setpoint: '设定',
      col_band: '允许范围', col_door: '门', col_defrost: '除霜',
      door_open: '开', door_closed: '关', defrost_on: '除霜中', defrost_off: '否',
      temp_high: '超温', temp_low: '过冷', quality_bad: '数据无效',
      store: '数据记录', store_committed: '已保存', store_dropped: '丢弃',
      store_last_error: '最近错误', none: '无',
    },
    en: {
      title: 'Line status', lang_toggle: '中文',
      running_state: 'Running state', plc_link: 'PLC link', connection: 'Connection',
      state_starting: 'Starting', state_running: 'Running', state_stopping: 'Stopping',
      state_stopped: 'Stopped', state_idle: 'Idle', state_paused: 'Paused',
      state_faulted: 'Faulted', state_estop: 'Emergency stop',
      link_up: 'Up', link_down: 'Down', link_degraded: 'Degraded',
      conn_connecting: 'Connecting', conn_live: 'Live', conn_polling: 'Polling',
      conn_lost: 'Lost', conn_stale: 'No updates',
      connection_lost: 'Connection to the controller lost: the data shown may be out of date',
      alarms: 'Alarms', no_alarms: 'No active alarms', more_alarms: '{n} more alarms',
      priority_urgent: 'Urgent', priority_high: 'High', priority_medium: 'Medium',
      priority_low: 'Low',
      alarm_unacked_active: 'Unacknowledged', alarm_acked_active: 'Acknowledged',
      alarm_unacked_returned: 'Returned, unacknowledged',
      belt_speed: 'Belt speed', unit_cups_per_s: 'cups/s', fruit_per_s: 'Sort rate',
      unit_fruit_per_s: 'fruit/s', fruit_total: 'Fruit total', empty_cups: 'Empty cups',
      cup_at_camera: 'Cup at camera', uptime: 'Uptime',
      lanes: 'Fruit per lane', lane_n: 'Lane {n}',
      grades: 'Fruit per grade', grade_extra: 'Extra', grade_class_i: 'Class I',
      grade_class_ii: 'Class II', grade_out_of_grade: 'Out of grade', grade_unknown: 'Ungraded',
      outlets: 'Fruit per outlet', outlet_kind_product: 'Product', outlet_kind_reject: 'Reject',
      outlet_kind_recirculation: 'Recirculation',
      cold_rooms: 'Cold rooms', col_room: 'Room', col_temp: 'Temperature',
      col_setpoint: 'Setpoint', col_band: 'Allowed band', col_door: 'Door',
      col_defrost: 'Defrost',
      door_open: 'Open', door_closed: 'Closed', defrost_on: 'Defrosting', defrost_off: 'No',
      temp_high: 'Too warm', temp_low: 'Too cold', quality_bad: 'Bad data',
      store: 'Data logging', store_committed: 'Committed', store_dropped: 'Dropped',
      store_last_error: 'Last error', none: 'None',
    },
  };
  const DEFAULT_LANG = 'zh-CN';
  const GRADES = ['extra', 'class_i', 'class_ii', 'out_of_grade', 'unknown'];
  const PRIORITY_RANK = { urgent: 0, high: 1, medium: 2, low: 3 };
  const ABNORMAL_RUNNING = { faulted: 'abnormal-high', estop: 'abnormal-high' };
  const MAX_ALARM_ROWS = 8;
  const BACKOFF_MAX_MS = 30000;
  const POLL_PERIOD_MS = 2000;
  // Three missed updates at the default push period (1 s) mean the data is stale.
  const STALE_AFTER_MS = 5000;
  // A WebSocket that fails this many times without ever opening is assumed blocked (a
  // proxy, an old browser): poll instead while still retrying it at the back-off rate.
  const WS_FAILURES_BEFORE_POLLING = 2;

  // Looks up a message; `{name}` placeholders are filled from params. A missing key shows
  // as the key itself so that a gap in the catalogue is visible rather than blank.
  function translate(lang, key, params) {
    const table = MESSAGES[lang] || MESSAGES[DEFAULT_LANG];
    const text = key in table ? table[key] : key;
    return text.replace(/\{(\w+)\}/g, (m, name) =>
      (params && name in params ? String(params[name]) : m));
  }

  function isNumber(v) { return typeof v === 'number' && Number.isFinite(v); }

  function formatNumber(lang, v, digits) {
    if (!isNumber(v)) return '—';
    return v.toLocaleString(lang, { minimumFractionDigits: digits || 0,
                                     maximumFractionDigits: digits || 0 });
  }

  // Seconds -> "h:mm:ss".
  function formatUptime(seconds) {
    if (!isNumber(seconds) || seconds < 0) return '—';
    const total = Math.floor(seconds);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  }

  // Width of a bar as a fraction of the largest value shown beside it.
  function barFraction(count, max) {
    if (!isNumber(count) || !isNumber(max) || max <= 0 || count <= 0) return 0;
    return Math.min(1, count / max);
  }

  // Red for urgent/high, amber for medium/low; unknown priorities count as high so that
  // nothing new is ever shown calmer than it is.
  function alarmClass(alarm) {
    const rank = PRIORITY_RANK[alarm && alarm.priority];
    return rank === undefined || rank <= PRIORITY_RANK.high ? 'alarm-high' : 'alarm-medium';
  }

  // Highest priority first, then unacknowledged first, then newest first.
  function sortAlarms(alarms) {
    const rank = (a) => (a.priority in PRIORITY_RANK ? PRIORITY_RANK[a.priority] : -1);
    const unacked = (a) => (String(a.state || '').startsWith('unacked') ? 0 : 1);
    return (Array.isArray(alarms) ? alarms.slice() : []).sort((a, b) =>
      rank(a) - rank(b) || unacked(a) - unacked(b) ||
      (b.raised_at_ms || 0) - (a.raised_at_ms || 0));
  }

  // 'bad' for unusable readings, 'high'/'low' outside the allowed band, else 'ok'.
  function roomTempState(room) {
    if (!room || (room.quality && room.quality !== 'good') || !isNumber(room.temp_c)) {
      return 'bad';
    }
    if (isNumber(room.max_c) && room.temp_c > room.max_c) return 'high';
    if (isNumber(room.min_c) && room.temp_c < room.min_c) return 'low';
    return 'ok';
  }

  // 1 s, 2 s, 4 s ... capped at 30 s, so a restarting controller is found quickly and a
  // long outage does not hammer it.
  function backoffMs(attempt) {
    return Math.min(BACKOFF_MAX_MS, 1000 * Math.pow(2, Math.max(0, attempt)));
  }

  function runningStateClass(state) { return ABNORMAL_RUNNING[state] || ''; }
  function linkClass(link) {
    if (link === undefined || link === 'up') return '';
    return link === 'degraded' ? 'abnormal-medium' : 'abnormal-high';
  }

  // ---- Browser part: everything below touches the DOM. ----
  const view = { lang: DEFAULT_LANG, status: {}, connection: 'conn_connecting',
                 lastUpdateMs: 0 };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function byId(id) { return document.getElementById(id); }
  function t(key, params) { return translate(view.lang, key, params); }
  // For words named by the controller (state, priority...): an unknown one shows as sent.
  function tValue(prefix, value) {
    if (value === undefined || value === null || value === '') return '—';
    const table = MESSAGES[view.lang] || MESSAGES[DEFAULT_LANG];
    return `${prefix}${value}` in table ? table[`${prefix}${value}`] : String(value);
  }
  function setText(id, text, className) {
    const node = byId(id);
    node.textContent = text;
    node.className = className === undefined ? node.className : className;
  }

  function renderStatic() {
    document.documentElement.lang = view.lang;
    document.title = t('title');
    for (const node of document.querySelectorAll('[data-i18n]')) {
      node.textContent = t(node.dataset.i18n);
    }
    byId('lang-toggle').textContent = t('lang_toggle');
  }

  function renderBars(id, rows) {
    const max = Math.max(0, ...rows.map((r) => (isNumber(r.count) ? r.count : 0)));
    const box = byId(id);
    box.replaceChildren(...rows.map((r) => {
      const row = el('div', 'bar-row');
      const name = el('span', 'bar-name', r.name);
      if (r.note) name.append(' ', el('span', 'bar-note', r.note));
      const track = el('div', 'bar-track');
      const fill = el('div', 'bar-fill');
      fill.style.width = `${(barFraction(r.count, max) * 100).toFixed(1)}%`;
      track.append(fill);
      row.append(name, track, el('span', 'bar-count', formatNumber(view.lang, r.count)));
      return row;
    }));
  }

  function renderAlarms(alarms) {
    const list = byId('alarm-list');
    const sorted = sortAlarms(alarms);
    if (sorted.length === 0) {
      list.replaceChildren(el('li', 'none', t('no_alarms')));
      return;
    }
    const rows = sorted.slice(0, MAX_ALARM_ROWS).map((a) => {
      const unacked = String(a.state || '').startsWith('unacked');
      const li = el('li', `${alarmClass(a)} ${unacked ? 'unacked' : 'acked'}`);
      const when = isNumber(a.raised_at_ms)
        ? new Date(a.raised_at_ms).toLocaleTimeString(view.lang, { hour12: false }) : '—';
      li.append(el('span', '', when), el('span', '', tValue('priority_', a.priority)),
                el('span', '', tValue('alarm_', a.state)), el('span', '', a.source || ''),
                el('span', '', a.message || a.key || ''));
      return li;
    });
    if (sorted.length > MAX_ALARM_ROWS) {
      rows.push(el('li', 'none', t('more_alarms', { n: sorted.length - MAX_ALARM_ROWS })));
    }
    list.replaceChildren(...rows);
  }

  function renderRooms(rooms) {
    const fmt = (v) => formatNumber(view.lang, v, 1);
    const body = byId('cold-rooms');
    body.replaceChildren(...(Array.isArray(rooms) ? rooms : []).map((room) => {
      const state = roomTempState(room);
      let tempText = `${fmt(room.temp_c)} °C`;
      if (state !== 'ok') {
        tempText += ` (${t(state === 'bad' ? 'quality_bad' : `temp_${state}`)})`;
      }
      const tempClass = { ok: '', bad: 'bad-quality', high: 'abnormal-medium',
                          low: 'abnormal-medium' }[state];
      const tempCell = el('td');
      tempCell.append(el('span', tempClass, tempText));
      const door = room.door_open === undefined ? '—'
        : t(room.door_open ? 'door_open' : 'door_closed');
      const defrost = room.defrost === undefined ? '—'
        : t(room.defrost ? 'defrost_on' : 'defrost_off');
      const tr = el('tr');
      tr.append(el('td', '', room.name || room.id || ''), tempCell,
                el('td', '', `${fmt(room.setpoint_c)} °C`),
                el('td', '', `${fmt(room.min_c)} – ${fmt(room.max_c)} °C`),
                el('td', room.door_open ? 'abnormal-medium' : '', door),
                el('td', '', defrost));
      return tr;
    }));
  }

  function renderStatus() {
    const s = view.status;
    setText('line-name', s.line_name || s.line || '');
    setText('running-state', tValue('state_', s.running_state),
            `value ${runningStateClass(s.running_state)}`);
    setText('plc-link', tValue('link_', s.plc_link), `value ${linkClass(s.plc_link)}`);
    setText('belt-speed', formatNumber(view.lang, s.belt_speed_cups_per_s, 1));
    setText('fruit-per-s', formatNumber(view.lang, s.fruit_per_s, 1));
    setText('fruit-total', formatNumber(view.lang, s.fruit_total));
    setText('empty-cups', formatNumber(view.lang, s.empty_cups));
    setText('cup-at-camera', formatNumber(view.lang, s.cup_at_camera));
    setText('uptime', formatUptime(s.uptime_s));
    renderBars('lanes', (Array.isArray(s.fruit_per_lane) ? s.fruit_per_lane : [])
      .map((count, i) => ({ name: t('lane_n', { n: i + 1 }), count })));
    const grades = s.fruit_per_grade || {};
    renderBars('grades', GRADES.filter((g) => g in grades)
      .map((g) => ({ name: t(`grade_${g}`), count: grades[g] })));
    renderBars('outlets', (Array.isArray(s.fruit_per_outlet) ? s.fruit_per_outlet : [])
      .map((o) => ({ name: o.id || String(o.number || ''), count: o.count,
                     note: [o.kind ? tValue('outlet_kind_', o.kind) : '',
                            (o.products || []).join(' ')].join(' ').trim() })));
    renderRooms(s.cold_rooms);
    renderAlarms(s.alarms);
    const store = s.store || {};
    setText('store-committed', formatNumber(view.lang, store.committed));
    setText('store-dropped', formatNumber(view.lang, store.dropped),
            store.dropped > 0 ? 'abnormal-medium' : '');
    setText('store-last-error', store.last_error || t('none'),
            store.last_error ? 'abnormal-medium' : '');
  }

  function renderConnection() {
    const lost = view.connection === 'conn_lost';
    const stale = !lost && view.lastUpdateMs > 0 &&
      Date.now() - view.lastUpdateMs > STALE_AFTER_MS;
    const key = stale ? 'conn_stale' : view.connection;
    setText('connection', t(key), `value ${lost || stale ? 'abnormal-medium' : ''}`);
    byId('connection-lost').hidden = !lost;
    document.body.classList.toggle('stale', lost || stale);
  }

  function accept(text) {
    let doc;
    try { doc = JSON.parse(text); } catch (e) { return; }
    if (!doc || typeof doc !== 'object') return;
    view.status = doc;
    view.lastUpdateMs = Date.now();
    renderStatus();
    renderConnection();
  }

  // ---- Transport: WebSocket with back-off, polling as the fallback. ----
  const link = { socket: null, attempt: 0, failuresBeforeOpen: 0, pollTimer: null };

  function setConnection(key) { view.connection = key; renderConnection(); }

  function isLive() { return link.socket !== null && link.socket.readyState === 1; }  // OPEN

  async function pollOnce() {
    try {
      const res = await fetch('/api/v1/status', { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      accept(await res.text());
      if (!isLive()) setConnection('conn_polling');
    } catch (e) {
      if (!isLive()) setConnection('conn_lost');
    }
  }

  function startPolling() {
    if (link.pollTimer !== null) return;
    pollOnce();
    link.pollTimer = setInterval(pollOnce, POLL_PERIOD_MS);
  }

  function stopPolling() {
    if (link.pollTimer === null) return;
    clearInterval(link.pollTimer);
    link.pollTimer = null;
  }

  function scheduleReconnect() {
    const delay = backoffMs(link.attempt);
    link.attempt += 1;
    setTimeout(connect, delay);
  }

  function connect() {
    if (typeof WebSocket === 'undefined') { startPolling(); return; }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${location.host}/api/v1/live`);
    } catch (e) {
      startPolling();
      scheduleReconnect();
      return;
    }
    link.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      link.attempt = 0;
      link.failuresBeforeOpen = 0;
      stopPolling();
      setConnection('conn_live');
    };
    socket.onmessage = (event) => accept(event.data);
    socket.onclose = () => {
      link.socket = null;
      if (!opened) link.failuresBeforeOpen += 1;
      if (link.failuresBeforeOpen >= WS_FAILURES_BEFORE_POLLING) startPolling();
      if (link.pollTimer === null) setConnection('conn_lost');
      scheduleReconnect();
    };
  }

  function start() {
    const saved = window.localStorage && localStorage.getItem('coldsort.lang');
    if (saved && saved in MESSAGES) view.lang = saved;
    byId('lang-toggle').addEventListener('click', () => {
      view.lang = view.lang === 'zh-CN' ? 'en' : 'zh-CN';
      if (window.localStorage) localStorage.setItem('coldsort.lang', view.lang);
      renderStatic();
      renderStatus();
      renderConnection();
    });
    renderStatic();
    renderStatus();
    renderConnection();
    setInterval(renderConnection, 1000);
    connect();
  }

  return { MESSAGES, DEFAULT_LANG, GRADES, translate, formatNumber, formatUptime, barFraction,
           alarmClass, sortAlarms, roomTempState, backoffMs, runningStateClass, linkClass,
           start };
})();

if (typeof module !== 'undefined' && module.exports) {
  module.exports = ColdsortHmi;  // node tests (tests/hmi/app_js_test.js)
} else {
  document.addEventListener('DOMContentLoaded', ColdsortHmi.start);
}
