// The simulator's web page: plain HTML, CSS and JavaScript in one template string (no framework,
// no build step). It draws each phone the way boards/sim-desk/README.md lays it out (MWI and DND
// lamps, the 4×20 display with four soft keys, 16 BLF keys with lamps, DND / Presence / Messages)
// plus a strip of simulator controls (presence, call, IM). State arrives over SSE (/events);
// clicks go out as JSON POSTs. Lamps blink on the page from the frame's pattern and periods,
// with the same phase rule as core/indicators/frame.ts lampLitAt (now mod period < onMs).
//
// Test hooks (stable): [data-phone=<name>] per phone; [data-role=<lamp role>] per lamp with
// data-color (red|green|amber|''), data-pattern and data-lit (1|0); .lcd [data-row=<n>] per
// display row; [data-action] on the simulator controls; [data-key=<key role>] on keys.

const CSS = `
:root { color-scheme: dark; font-family: system-ui, sans-serif; }
body { margin: 0; background: #1d2024; color: #e8e8e8; }
header { padding: 10px 18px; background: #111; display: flex; gap: 16px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; }
header span { color: #9aa; font-size: 13px; }
main { display: flex; flex-wrap: wrap; gap: 22px; padding: 18px; }
.phone { background: #2f3338; border: 1px solid #555; border-radius: 18px; padding: 14px 16px; width: 410px; box-shadow: 0 4px 14px #0008; }
.phone.selected { outline: 2px solid #5a8dd6; }
.phone h2 { margin: 0 0 8px; font-size: 15px; display: flex; justify-content: space-between; }
.phone h2 small { color: #9aa; font-weight: normal; font-size: 12px; }
.toprow { display: flex; justify-content: space-between; margin-bottom: 8px; font-size: 12px; color: #bbb; }
.lamp { display: inline-block; width: 14px; height: 14px; border-radius: 50%; background: #3a3a3a; border: 1px solid #111; vertical-align: middle; margin-right: 6px; box-shadow: inset 0 0 3px #000; }
.lamp[data-lit="1"][data-color="red"] { background: rgb(255, 40, 40); box-shadow: 0 0 8px rgb(255, 40, 40); }
.lamp[data-lit="1"][data-color="green"] { background: rgb(40, 220, 70); box-shadow: 0 0 8px rgb(40, 220, 70); }
.lamp[data-lit="1"][data-color="amber"] { background: rgb(255, 176, 0); box-shadow: 0 0 8px rgb(255, 176, 0); }
.lcd { background: #9db36b; color: #1b2410; font-family: "DejaVu Sans Mono", monospace; font-size: 17px; line-height: 1.25; padding: 8px 10px; border-radius: 4px; border: 3px solid #222; cursor: pointer; }
.lcd div { white-space: pre; height: 1.25em; }
.softkeys { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; margin: 6px 0 12px; }
button { background: #454b52; color: #eee; border: 1px solid #222; border-radius: 6px; padding: 5px 6px; font-size: 12px; cursor: pointer; }
button:hover { background: #58606a; }
button:active { background: #2a6; }
.blf { display: grid; grid-template-columns: repeat(4, 1fr); gap: 5px 8px; }
.blf .key { display: flex; align-items: center; }
.blf button { flex: 1; text-align: left; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.fkeys { display: flex; gap: 6px; margin: 10px 0; }
.fkeys button { flex: 1; }
.sim { border-top: 1px dashed #666; margin-top: 10px; padding-top: 8px; font-size: 12px; }
.sim .row { display: flex; gap: 5px; align-items: center; margin: 4px 0; flex-wrap: wrap; }
.sim .row > span { width: 62px; color: #9aa; }
.sim input { flex: 1; background: #1d2024; color: #eee; border: 1px solid #555; border-radius: 5px; padding: 5px; }
.sim button.on { background: #2b6cb0; }
#log { margin: 0 18px 18px; background: #111; border-radius: 8px; padding: 8px 12px; height: 170px; overflow: auto; font: 12px/1.4 "DejaVu Sans Mono", monospace; color: #bcd; }
`;

const SCRIPT = String.raw`
const phones = new Map();
let offset = 0; // server clock - performance.now(): blink phases follow the server's now
let selected = null;
const KEYS = ['1','2','3','4','5','6','7','8','9','0','q','w','e','r','t','y'];
const FN = { F1: 'key.soft.0', F2: 'key.soft.1', F3: 'key.soft.2', F4: 'key.soft.3', F5: 'key.dnd', F6: 'key.presence', F7: 'key.messages' };

function post(name, what, body) {
  return fetch('/api/' + name + '/' + what, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) })
    .then(r => r.json()).then(j => { if (j.error) addLog(name + ': ' + j.error); return j; });
}
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}
function keyButton(name, role, label) {
  const b = el('button', { 'data-key': role }, label);
  b.addEventListener('pointerdown', (ev) => { ev.preventDefault(); selectPhone(name); post(name, 'press', { role }); });
  b.addEventListener('pointerup', () => post(name, 'release', { role }));
  b.addEventListener('pointerleave', (ev) => { if (ev.buttons) post(name, 'release', { role }); });
  return b;
}
function lamp(role) { return el('span', { class: 'lamp', 'data-role': role, 'data-color': '', 'data-pattern': 'off', 'data-lit': '0' }); }

function build(s) {
  const name = s.name;
  const root = el('section', { class: 'phone', 'data-phone': name, onclick: () => selectPhone(name) });
  root.append(el('h2', {}, s.identity, el('small', { 'data-field': 'aor' }, s.aor)));
  root.append(el('div', { class: 'toprow' },
    el('span', {}, lamp('led.mwi'), 'MWI'), el('span', { 'data-field': 'status' }, ''), el('span', {}, lamp('led.dnd'), 'DND')));
  const lcd = el('div', { class: 'lcd', title: 'click: read messages', onclick: () => post(name, 'read') });
  for (let r = 0; r < 4; r++) lcd.append(el('div', { 'data-row': String(r) }, ''));
  root.append(lcd);
  const soft = el('div', { class: 'softkeys' });
  for (let i = 0; i < 4; i++) soft.append(keyButton(name, 'key.soft.' + i, 'F' + (i + 1)));
  root.append(soft);
  const blf = el('div', { class: 'blf' });
  // Column-major like the board: keys 0-3 in the first column, 4-7 in the second, ...
  for (let row = 0; row < 4; row++) for (let col = 0; col < 4; col++) {
    const i = col * 4 + row;
    blf.append(el('div', { class: 'key' }, lamp('led.blf.' + i), keyButton(name, 'key.blf.' + i, KEYS[i] + ' ')));
  }
  root.append(blf);
  root.append(el('div', { class: 'fkeys' },
    keyButton(name, 'key.dnd', 'F5 DND'), keyButton(name, 'key.presence', 'F6 Presence'), keyButton(name, 'key.messages', 'F7 Messages')));
  const presence = el('div', { class: 'row' }, el('span', {}, 'presence'));
  for (const v of ['available', 'away', 'busy', 'dnd', 'offline'])
    presence.append(el('button', { 'data-action': 'presence', 'data-value': v, onclick: () => post(name, 'presence', { value: v }) }, v === 'dnd' ? 'DND' : v));
  const call = el('div', { class: 'row' }, el('span', {}, 'call'),
    el('button', { 'data-action': 'ring', onclick: () => post(name, 'call', { action: 'ring', caller: 'Carol' }) }, 'ring'),
    el('button', { 'data-action': 'take', onclick: () => post(name, 'call', { action: 'take' }) }, 'take a call'),
    el('button', { 'data-action': 'hangup', onclick: () => post(name, 'call', { action: 'hangup' }) }, 'hang up'),
    el('span', { 'data-field': 'call', style: 'width:auto' }, ''));
  const input = el('input', { 'data-action': 'im-text', placeholder: 'IM to …', maxlength: '400' });
  const send = () => { const text = input.value; if (text.trim() === '') return; post(name, 'im', { text }).then(j => { if (j.ok) input.value = ''; }); };
  input.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') send(); ev.stopPropagation(); });
  const im = el('div', { class: 'row' }, el('span', {}, 'IM'), input, el('button', { 'data-action': 'im-send', onclick: send }, 'send'));
  root.append(el('div', { class: 'sim' }, presence, call, im));
  document.querySelector('main').append(root);
  const p = { root, state: s };
  phones.set(name, p);
  if (selected === null) selectPhone(name);
  return p;
}

function render(s) {
  const p = phones.get(s.name) || build(s);
  p.state = s;
  offset = s.at - performance.now();
  const root = p.root;
  s.lines.forEach((line, r) => { const d = root.querySelector('.lcd [data-row="' + r + '"]'); if (d) d.textContent = line; });
  for (const [role, st] of Object.entries(s.lamps)) {
    const l = root.querySelector('[data-role="' + role + '"]');
    if (!l) continue;
    l.dataset.color = st.pattern === 'off' ? '' : (st.color || '');
    l.dataset.pattern = st.pattern; l.dataset.on = st.onMs; l.dataset.off = st.offMs;
    l.title = role + ': ' + (st.pattern === 'off' ? 'off' : st.color + ' ' + st.pattern);
  }
  s.softKeys.forEach((label, i) => { const b = root.querySelector('[data-key="key.soft.' + i + '"]'); if (b) b.textContent = 'F' + (i + 1) + ' ' + label; });
  for (let i = 0; i < 16; i++) {
    const key = s.blf[i];
    const b = root.querySelector('[data-key="key.blf.' + i + '"]');
    b.textContent = KEYS[i] + ' ' + (key ? key.label : '');
    b.title = key ? key.uri + ' (' + key.state + ', ' + key.presence + ')' : 'not assigned';
  }
  root.querySelectorAll('[data-action="presence"]').forEach(b => b.classList.toggle('on', b.dataset.value === s.presence));
  root.querySelector('[data-field="call"]').textContent = s.call;
  root.querySelector('[data-field="status"]').textContent = s.registration + (s.unreadIm ? ' · ' + s.unreadIm + ' unread' : '');
  const target = s.blf[s.imTarget];
  root.querySelector('[data-action="im-text"]').placeholder = 'IM to ' + (target ? target.label : '…') + ' (Enter)';
  blink();
}

// lampLitAt from core/indicators/frame.ts, in the browser.
function blink() {
  const now = performance.now() + offset;
  document.querySelectorAll('.lamp').forEach(l => {
    const pattern = l.dataset.pattern;
    let lit = pattern !== 'off';
    if (pattern === 'slow-blink' || pattern === 'fast-blink') {
      const on = Number(l.dataset.on), period = on + Number(l.dataset.off);
      if (period > 0) lit = (((now % period) + period) % period) < on;
    }
    const v = lit ? '1' : '0';
    if (l.dataset.lit !== v) l.dataset.lit = v;
  });
}
setInterval(blink, 40);

function selectPhone(name) {
  selected = name;
  phones.forEach((p, n) => p.root.classList.toggle('selected', n === name));
}
document.addEventListener('keydown', (ev) => {
  if (selected === null || ev.target.tagName === 'INPUT' || ev.repeat) return;
  const role = FN[ev.key] || (KEYS.indexOf(ev.key) >= 0 ? 'key.blf.' + KEYS.indexOf(ev.key) : null);
  if (role) { ev.preventDefault(); post(selected, 'press', { role }); }
});
document.addEventListener('keyup', (ev) => {
  if (selected === null || ev.target.tagName === 'INPUT') return;
  const role = FN[ev.key] || (KEYS.indexOf(ev.key) >= 0 ? 'key.blf.' + KEYS.indexOf(ev.key) : null);
  if (role) { ev.preventDefault(); post(selected, 'release', { role }); }
});

function addLog(line) {
  const log = document.getElementById('log');
  log.append(el('div', {}, line));
  while (log.childElementCount > 300) log.firstChild.remove();
  log.scrollTop = log.scrollHeight;
}

const events = new EventSource('/events');
events.addEventListener('hello', (ev) => {
  const h = JSON.parse(ev.data);
  h.phones.forEach(render);
  document.getElementById('log').textContent = '';
  h.log.forEach(addLog);
  document.body.dataset.ready = '1';
});
events.addEventListener('state', (ev) => render(JSON.parse(ev.data)));
events.addEventListener('log', (ev) => addLog(JSON.parse(ev.data)));
events.onerror = () => { document.querySelector('header span').textContent = 'disconnected: is hardphone sim still running?'; };
`;

export function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>hardphone sim</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>hardphone sim</h1><span>sim-desk phones · keys: 1–0 q–y = BLF, F1–F4 soft keys, F5 DND, F6 Presence, F7 Messages (click a phone to pick it)</span></header>
<main></main>
<div id="log"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
