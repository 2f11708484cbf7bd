/*
 * app.js - the console's pages, drawn from the documented /api/ endpoints.
 * Plain JS, no build step. Every text that came from an SMS or a CSV is put
 * in the page as text (textContent through el()), never as HTML; there is
 * no innerHTML in this file. Changes carry the session's CSRF token.
 */
'use strict';

const state = { me: null, villages: [], communes: [] };
const TZ = 'Asia/Ho_Chi_Minh';

/* el builds an element: attrs are properties or attributes, children are
 * nodes or strings (as text nodes). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled') e[k] = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/* put appends children, skipping the absent ones (append(null) would add "null") */
function put(node, ...children) { node.append(...children.filter((c) => c !== null && c !== undefined && c !== false)); return node; }

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

async function api(method, path, body, type) {
  const opt = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') opt.headers['X-CSRF-Token'] = state.me ? state.me.csrf : '';
  if (body !== undefined) {
    opt.headers['Content-Type'] = type || 'application/json';
    opt.body = type ? body : JSON.stringify(body);
  }
  const r = await fetch(path, opt);
  if (r.status === 401) { location.href = '/'; throw new Error('Chưa đăng nhập'); }
  let data = null;
  try { data = await r.json(); } catch (e) { data = { error: 'Máy chủ trả lời không phải JSON' }; }
  return { status: r.status, data };
}

const num = (n) => (n === null || n === undefined) ? '—' : Number(n).toLocaleString('vi-VN');
const money = (n) => num(n) + ' đ';
const when = (t) => new Date(t * 1000).toLocaleString('vi-VN', { timeZone: TZ, hour12: false });
const canWrite = () => state.me && (state.me.role === 'admin' || state.me.role === 'commune');
const ROLES = { household: 'Hộ gia đình', head: 'Trưởng thôn', official: 'Cán bộ xã' };
const USER_ROLES = { admin: 'Quản trị tỉnh', commune: 'Cán bộ xã', viewer: 'Chỉ xem' };

function message(text, kind) {
  return el('p', { class: 'msg ' + (kind || ''), role: kind === 'error' ? 'alert' : 'status' }, text);
}

function table(headers, rows, attrs) {
  return el('div', { class: 'table-wrap' },
    el('table', attrs || {},
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
      el('tbody', {}, rows)));
}

/* a select of communes (admin, viewer) or the user's own (commune) */
function communeSelect(id, value, onchange, withAll) {
  if (state.me.role === 'commune') return el('span', { class: 'scope', id }, 'Xã ' + state.me.commune);
  const s = el('select', { id, onchange },
    withAll ? el('option', { value: '' }, 'Cả tỉnh') : null,
    state.communes.map((c) => el('option', { value: c, selected: c === value }, 'Xã ' + c)));
  return s;
}

async function loadVillages() {
  const r = await api('GET', '/api/villages');
  state.villages = r.data.villages || [];
  state.communes = [...new Set(state.villages.map((v) => v.commune))];
}

/* ---- overview ---- */

const charts = [];
function chart(canvas, config) {
  if (typeof Chart === 'undefined') return;
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false },
    config.options || {});
  charts.push(new Chart(canvas, config));
}

function card(key, label, value, note) {
  return el('div', { class: 'card' }, el('div', { class: 'label' }, label),
    el('div', { class: 'value', 'data-k': key }, value), note ? el('div', { class: 'note' }, note) : null);
}

function figures(sums) {
  const pct = sums.delivered_pct === null ? '—' : sums.delivered_pct.toLocaleString('vi-VN') + ' %';
  return el('div', { class: 'cards' },
    card('households', 'Hộ đăng ký', num(sums.households)),
    card('listed_ever', 'Hộ đã đăng bán', num(sums.listed_ever)),
    card('listing_now', 'Hộ đang bán', num(sums.listing_now)),
    card('listings', 'Tin đăng bán', num(sums.listings)),
    card('orders', 'Đơn đặt mua', num(sums.orders)),
    card('accepted', 'Giao dịch thành công', num(sums.accepted)),
    card('value', 'Giá trị giao dịch', money(sums.value)),
    card('notices', 'Thông báo đã gửi', num(sums.notices), num(sums.messages) + ' tin nhắn'),
    card('delivered_pct', 'Tin đã tới máy', pct, num(sums.delivered) + ' tin'));
}

function communeRows(communes) {
  return communes.map((c) => el('tr', { 'data-commune': c.commune },
    el('th', { scope: 'row' }, 'Xã ' + c.commune),
    [c.households, c.listed_ever, c.listing_now, c.listings, c.orders, c.accepted].map((v) => el('td', { class: 'n' }, num(v))),
    el('td', { class: 'n' }, money(c.value)),
    el('td', { class: 'n' }, num(c.notices)),
    el('td', { class: 'n' }, c.delivered_pct === null ? '—' : c.delivered_pct.toLocaleString('vi-VN') + ' %')));
}

function villageRows(communes) {
  const rows = [];
  for (const c of communes) {
    for (const v of c.villages) {
      rows.push(el('tr', { 'data-village': v.code },
        el('td', {}, v.code), el('td', {}, v.village), el('td', {}, c.commune),
        [v.households, v.listed_ever, v.listing_now, v.listings, v.orders, v.accepted].map((n) => el('td', { class: 'n' }, num(n))),
        el('td', { class: 'n' }, money(v.value))));
    }
  }
  return rows;
}

async function pageOverview(main, params) {
  const commune = params.get('commune') || '';
  const r = await api('GET', '/api/overview' + (commune ? '?commune=' + encodeURIComponent(commune) : ''));
  clear(main);
  if (r.status !== 200) { main.append(message(r.data.error, 'error')); return; }
  const d = r.data;
  const scopeName = d.scope ? 'Xã ' + d.scope : 'Toàn tỉnh';
  main.append(
    el('div', { class: 'bar' }, el('h1', {}, 'Tổng quan — ' + scopeName),
      communeSelect('scope', commune, (e) => { location.search = e.target.value ? '?commune=' + encodeURIComponent(e.target.value) : ''; }, true)),
    figures(d.province),
    el('section', { class: 'charts' },
      el('figure', {}, el('figcaption', {}, 'Mỗi ngày, 90 ngày qua: tin nhắn đến, tin đăng bán mới, giao dịch thành công'),
        el('div', { class: 'chart' }, el('canvas', { id: 'chart-daily' }))),
      el('figure', {}, el('figcaption', {}, 'Tin đăng bán theo xã'),
        el('div', { class: 'chart' }, el('canvas', { id: 'chart-communes' }))),
      el('figure', {}, el('figcaption', {}, 'Giá trung vị 14 ngày (đ/kg) của các nông sản đăng nhiều nhất'),
        el('div', { class: 'chart' }, el('canvas', { id: 'chart-prices' })))),
    el('h2', {}, 'Theo xã'),
    table(['Xã', 'Hộ đăng ký', 'Đã đăng bán', 'Đang bán', 'Tin đăng', 'Đơn đặt', 'Giao dịch', 'Giá trị', 'Thông báo', 'Đã tới máy'],
      communeRows(d.communes), { id: 'communes' }),
    el('h2', {}, 'Theo thôn'),
    table(['Mã', 'Thôn', 'Xã', 'Hộ đăng ký', 'Đã đăng bán', 'Đang bán', 'Tin đăng', 'Đơn đặt', 'Giao dịch', 'Giá trị'],
      villageRows(d.communes), { id: 'villages' }));
  const labels = d.days.map((s) => s.slice(8, 10) + '/' + s.slice(5, 7));
  chart(document.getElementById('chart-daily'), {
    type: 'line',
    data: { labels, datasets: [
      { label: 'Tin nhắn đến', data: d.series.mo, borderColor: '#1d6fa5', pointRadius: 0 },
      { label: 'Tin đăng bán mới', data: d.series.listings, borderColor: '#2e8b57', pointRadius: 0 },
      { label: 'Giao dịch thành công', data: d.series.accepted, borderColor: '#c0392b', pointRadius: 0 }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  chart(document.getElementById('chart-communes'), {
    type: 'bar',
    data: { labels: d.communes.map((c) => c.commune), datasets: [{ label: 'Tin đăng bán', data: d.communes.map((c) => c.listings), backgroundColor: '#2e8b57' }] },
    options: { indexAxis: d.communes.length > 8 ? 'y' : 'x', scales: { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } } },
  });
  const colours = ['#8e44ad', '#d35400', '#16a085', '#2c3e50'];
  chart(document.getElementById('chart-prices'), {
    type: 'line',
    data: { labels, datasets: d.prices.map((p, i) => ({ label: p.label, data: p.median_per_kg, borderColor: colours[i % 4], pointRadius: 2, spanGaps: true })) },
  });
}

/* ---- villages and households ---- */

function villageOptions(selected, withAll) {
  return [withAll ? el('option', { value: '' }, 'Mọi thôn') : null,
    state.villages.map((v) => el('option', { value: v.code, selected: v.code === selected },
      v.code + ' — ' + v.name + ' (xã ' + v.commune + ')'))];
}

function personForm(main, onSaved) {
  const f = el('form', { id: 'person-form', class: 'panel' });
  const out = el('div', { id: 'person-msg' });
  f.append(el('h2', {}, 'Thêm hoặc sửa một người'),
    el('label', { for: 'p-phone' }, 'Số điện thoại'), el('input', { id: 'p-phone', required: true, inputmode: 'tel' }),
    el('label', { for: 'p-name' }, 'Họ tên'), el('input', { id: 'p-name', required: true }),
    el('label', { for: 'p-village' }, 'Thôn'), el('select', { id: 'p-village' }, villageOptions('', false)),
    el('label', { for: 'p-role' }, 'Vai trò'), el('select', { id: 'p-role' },
      Object.entries(ROLES).map(([k, v]) => el('option', { value: k }, v))),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'p-optout' }), ' Đã NGUNG nhận thông báo'),
    el('button', { type: 'submit' }, 'Lưu'), out);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await api('POST', '/api/people', {
      phone: f.querySelector('#p-phone').value, name: f.querySelector('#p-name').value,
      village_code: f.querySelector('#p-village').value, role: f.querySelector('#p-role').value,
      opted_out: f.querySelector('#p-optout').checked,
    });
    if (r.status >= 300) { clear(out).append(message(r.data.error, 'error')); return; }
    await onSaved();	/* the list again, then the message in the new form */
    document.getElementById('person-msg').append(message('Đã lưu ' + r.data.name + ' (' + r.data.phone + ')', 'ok'));
  });
  return f;
}

function fillPerson(p) {
  const f = document.getElementById('person-form');
  if (!f) return;
  f.querySelector('#p-phone').value = p.phone;
  f.querySelector('#p-name').value = p.name;
  f.querySelector('#p-village').value = p.village_code;
  f.querySelector('#p-role').value = p.role;
  f.querySelector('#p-optout').checked = p.opted_out;
  f.scrollIntoView();
}

function importForm() {
  const f = el('form', { id: 'import-form', class: 'panel' });
  const out = el('div', { id: 'import-msg' });
  f.append(el('h2', {}, 'Nhập từ tệp CSV'),
    el('p', { class: 'muted' }, 'Thôn: code,name,commune[,old_district]. Người: phone,name,village_code,role. Tệp có một dòng lỗi thì không nhập gì cả.'),
    el('label', { for: 'i-kind' }, 'Loại'), el('select', { id: 'i-kind' },
      el('option', { value: 'people' }, 'Người (hộ, trưởng thôn, cán bộ)'),
      state.me.role === 'admin' ? el('option', { value: 'villages' }, 'Thôn') : null),
    el('label', { for: 'i-file' }, 'Tệp'), el('input', { id: 'i-file', type: 'file', accept: '.csv,text/csv', required: true }),
    el('button', { type: 'submit' }, 'Tải lên'), out);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = f.querySelector('#i-file').files[0];
    clear(out);
    if (!file) return;
    if (file.size > 8 * 1024 * 1024) { out.append(message('Tệp quá lớn: tối đa 8 MB. Chưa nhập gì.', 'error')); return; }
    const kind = f.querySelector('#i-kind').value;
    const r = await api('POST', '/api/import/' + kind + '?name=' + encodeURIComponent(file.name), await file.arrayBuffer(), 'text/csv');
    if (r.status === 200) {
      out.append(message('Đã nhập: ' + r.data.changed + ' dòng thêm hoặc thay đổi.', 'ok'));
      await loadVillages();
    } else {
      out.append(message(r.data.error, 'error'));
      if (r.data.errors) out.append(el('ul', { class: 'errors', id: 'import-errors' }, r.data.errors.map((t) => el('li', {}, t))));
    }
  });
  return f;
}

async function pagePeople(main, params) {
  const q = params.get('q') || '', village = params.get('village') || '';
  const commune = params.get('commune') || '', page = Number(params.get('page') || 1);
  const qs = new URLSearchParams();
  if (q) qs.set('q', q);
  if (village) qs.set('village', village);
  if (commune) qs.set('commune', commune);
  const csv = '/api/people.csv?' + qs.toString();
  qs.set('page', page);
  const r = await api('GET', '/api/people?' + qs.toString());
  clear(main);
  main.append(el('h1', {}, 'Thôn và hộ'));
  if (r.status !== 200) { main.append(message(r.data.error, 'error')); return; }
  const filter = el('form', { class: 'filters', id: 'people-filter' },
    el('input', { name: 'q', value: q, placeholder: 'Tên hoặc số điện thoại', 'aria-label': 'Tìm' }),
    el('select', { name: 'village', 'aria-label': 'Thôn' }, villageOptions(village, true)),
    el('button', { type: 'submit' }, 'Tìm'),
    el('a', { href: csv, class: 'button', id: 'export' }, 'Tải CSV (Excel)'));
  const d = r.data;
  const pages = Math.max(1, Math.ceil(d.total / d.per));
  const link = (p) => { const u = new URLSearchParams(params); u.set('page', p); return '?' + u.toString(); };
  main.append(filter,
    el('p', { class: 'muted', id: 'people-total' }, num(d.total) + ' người · trang ' + page + '/' + pages),
    table(['Số điện thoại', 'Họ tên', 'Thôn', 'Xã', 'Vai trò', 'Nhận thông báo', ''],
      d.people.map((p) => el('tr', {},
        el('td', {}, p.phone), el('td', { class: 'name' }, p.name),
        el('td', {}, p.village_code ? p.village_code + ' ' + p.village : '—'), el('td', {}, p.commune),
        el('td', {}, ROLES[p.role] || p.role), el('td', {}, p.opted_out ? 'Đã NGUNG' : 'Có'),
        el('td', {}, canWrite() ? el('button', { type: 'button', class: 'link', onclick: () => fillPerson(p) }, 'Sửa') : ''))),
      { id: 'people' }),
    el('nav', { class: 'pager' },
      page > 1 ? el('a', { href: link(page - 1) }, '‹ Trước') : null,
      page < pages ? el('a', { href: link(page + 1) }, 'Sau ›') : null));
  if (canWrite()) main.append(personForm(main, () => pagePeople(main, params)));
  if (canWrite()) main.append(importForm());	/* commune users: their commune's people */
}

/* ---- notices ---- */

function targetOptions() {
  const communes = state.me.role === 'commune' ? [state.me.commune] : state.communes;
  return [communes.map((c) => el('option', { value: 'c:' + c }, 'Cả xã ' + c)),
    state.villages.map((v) => el('option', { value: 'v:' + v.code }, 'Thôn ' + v.name + ' (' + v.code + ', xã ' + v.commune + ')'))];
}

function composeBody(f) {
  const t = f.querySelector('#n-target').value;
  return {
    village_code: t.startsWith('v:') ? t.slice(2) : '',
    commune: t.startsWith('c:') ? t.slice(2) : '',
    text: f.querySelector('#n-text').value,
    urgent: f.querySelector('#n-urgent').checked,
  };
}

function composeForm(onSent) {
  const f = el('form', { id: 'notice-form', class: 'panel' });
  const preview = el('div', { id: 'n-preview', class: 'preview' });
  const out = el('div', { id: 'notice-msg' });
  let timer = null;
  const update = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const body = composeBody(f);
      clear(preview);
      if (!body.text) return;
      const r = await api('POST', '/api/notices/preview', body);
      if (r.status !== 200) { preview.append(message(r.data.error, 'error')); return; }
      const p = r.data;
      put(preview, el('div', { class: 'sms', id: 'n-sms' }, p.text),
        el('p', { class: p.too_long ? 'msg error' : 'muted', id: 'n-parts' },
          p.parts + ' tin nhắn (' + p.coding + '), ' + p.chars + '/' + p.max_chars + ' ký tự' +
          (p.too_long ? ' — dài quá, không gửi được' : '')),
        p.quiet_hours ? el('p', { class: 'muted' }, 'Ngoài giờ gửi: sẽ gửi lúc ' + when(p.send_at) + ' (đánh dấu Khẩn để gửi ngay)') : null);
    }, 250);
  };
  f.append(el('h2', {}, 'Soạn thông báo'),
    el('label', { for: 'n-target' }, 'Gửi tới'), el('select', { id: 'n-target', onchange: update }, targetOptions()),
    el('label', { for: 'n-text' }, 'Nội dung'), el('textarea', { id: 'n-text', rows: 4, oninput: update, required: true }),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'n-urgent', onchange: update }), ' Khẩn (gửi ngay cả trong giờ yên tĩnh, kể cả hộ đã NGUNG)'),
    preview, el('button', { type: 'submit', id: 'n-send' }, 'Gửi thông báo'), out);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await api('POST', '/api/notices', composeBody(f));
    clear(out);
    if (r.status === 201) {
      await onSent();	/* the list again, with the new notice; then the message */
      document.getElementById('notice-msg').append(message('Đã gửi TB #' + r.data.id + ' tới ' + num(r.data.recipients) + ' hộ ' + r.data.label, 'ok'));
    } else {
      out.append(message(r.data.error, 'error'));
    }
  });
  return f;
}

async function showNotice(id, box) {
  const r = await api('GET', '/api/notice?id=' + id);
  clear(box);
  if (r.status !== 200) { box.append(message(r.data.error, 'error')); return; }
  const n = r.data;
  box.append(el('h2', {}, 'TB #' + n.id + ' — ' + n.target),
    el('div', { class: 'sms' }, n.text),
    el('p', {}, 'Gửi ' + num(n.sent) + ', đã nhận ' + num(n.delivered) + ', đang chờ ' + num(n.waiting) + ', lỗi ' + num(n.failed) + ' trên ' + num(n.recipients) + ' hộ'),
    n.unreached.length ? el('div', {}, el('h3', {}, 'Các hộ chưa nhận'),
      el('ul', { class: 'unreached' }, n.unreached.map((u) => el('li', {}, (u.name || '—') + ' · ' + u.phone)))) : el('p', {}, 'Mọi hộ đã nhận.'));
  box.scrollIntoView();
}

async function pageNotices(main, params) {
  const commune = params.get('commune') || '';
  const r = await api('GET', '/api/notices' + (commune ? '?commune=' + encodeURIComponent(commune) : ''));
  clear(main);
  main.append(el('h1', {}, 'Thông báo'));
  if (r.status !== 200) { main.append(message(r.data.error, 'error')); return; }
  const detail = el('section', { id: 'notice-detail' });
  if (canWrite()) main.append(composeForm(() => pageNotices(main, params)));
  main.append(table(['Số', 'Lúc', 'Gửi tới', 'Người gửi', 'Nội dung', 'Hộ', 'Đã gửi', 'Đã nhận', 'Đang chờ', 'Lỗi'],
    r.data.notices.map((n) => el('tr', { 'data-id': n.id },
      el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => showNotice(n.id, detail) }, '#' + n.id)),
      el('td', {}, when(n.created_at)), el('td', {}, n.target), el('td', {}, n.sender),
      el('td', { class: 'text' }, n.text),
      [n.recipients, n.sent, n.delivered, n.waiting, n.failed].map((v, i) => el('td', { class: 'n', 'data-k': ['recipients', 'sent', 'delivered', 'waiting', 'failed'][i] }, num(v))))),
    { id: 'notices' }), detail);
}

/* ---- market ---- */

const LISTING_STATUS = { open: 'Đang bán', sold_out: 'Hết hàng', cancelled: 'Đã huỷ' };
const ORDER_STATUS = { pending: 'Chờ trả lời', accepted: 'Đã nhận', declined: 'Từ chối', cancelled: 'Đã huỷ', expired: 'Quá hạn' };

async function pageMarket(main, params) {
  const qs = new URLSearchParams();
  for (const k of ['product', 'commune', 'status']) if (params.get(k)) qs.set(k, params.get(k));
  const [ls, os, sheet] = await Promise.all([
    api('GET', '/api/market/listings?' + qs.toString()),
    api('GET', '/api/market/orders?' + qs.toString()),
    api('GET', '/api/market/sheet' + (params.get('commune') ? '?commune=' + encodeURIComponent(params.get('commune')) : ''))]);
  clear(main);
  main.append(el('h1', {}, 'Chợ: tin đăng bán và đơn hàng'));
  for (const r of [ls, os, sheet]) if (r.status !== 200) { main.append(message(r.data.error, 'error')); return; }
  const commune = communeSelect('m-commune', params.get('commune') || '', null, true);
  if (commune.tagName === 'SELECT') commune.name = 'commune';
  main.append(el('form', { class: 'filters', id: 'market-filter' },
    el('input', { name: 'product', value: params.get('product') || '', placeholder: 'Sản phẩm (vd: na, ga)', 'aria-label': 'Sản phẩm' }),
    commune,
    el('select', { name: 'status', 'aria-label': 'Trạng thái' }, el('option', { value: '' }, 'Mọi trạng thái'),
      Object.entries(Object.assign({}, LISTING_STATUS, ORDER_STATUS)).map(([k, v]) => el('option', { value: k, selected: params.get('status') === k }, v))),
    el('button', { type: 'submit' }, 'Lọc')));
  main.append(el('h2', {}, 'Tin đăng bán'),
    table(['Số', 'Sản phẩm', 'Còn / đăng', 'Giá', 'Người bán', 'Thôn', 'Xã', 'Ghi chú', 'Trạng thái', 'Lúc'],
      ls.data.listings.map((l) => el('tr', {}, el('td', {}, '#' + l.id), el('td', {}, l.product),
        el('td', { class: 'n' }, l.qty_left + ' / ' + l.qty), el('td', {}, l.price),
        el('td', {}, l.seller + ' · ' + l.seller_phone), el('td', {}, l.village), el('td', {}, l.commune),
        el('td', { class: 'text' }, l.note), el('td', {}, LISTING_STATUS[l.status] || l.status), el('td', {}, when(l.created_at)))),
      { id: 'listings' }),
    el('h2', {}, 'Đơn hàng'),
    table(['Số', 'Sản phẩm', 'Số lượng', 'Giá trị', 'Người mua', 'Người bán', 'Xã', 'Trạng thái', 'Lúc'],
      os.data.orders.map((o) => el('tr', {}, el('td', {}, '#' + o.id), el('td', {}, o.listing.product),
        el('td', { class: 'n' }, o.qty), el('td', { class: 'n' }, money(o.value)), el('td', {}, o.buyer_phone),
        el('td', {}, o.listing.seller), el('td', {}, o.listing.commune),
        el('td', {}, ORDER_STATUS[o.status] || o.status), el('td', {}, when(o.created_at)))),
      { id: 'orders' }));
  const sheetCsv = '/api/market/sheet?format=csv' + (params.get('commune') ? '&commune=' + encodeURIComponent(params.get('commune')) : '');
  main.append(el('section', { class: 'sheet', id: 'sheet' },
    el('div', { class: 'bar' }, el('h2', {}, 'Phiếu giao hàng cho bưu điện (đơn đã nhận)'),
      el('div', {}, el('button', { type: 'button', onclick: () => window.print() }, 'In'), ' ',
        el('a', { class: 'button', href: sheetCsv }, 'Tải CSV'))),
    table(['Xã', 'Thôn', 'Đơn', 'Người bán', 'Sản phẩm', 'Số lượng', 'Số người mua'],
      sheet.data.orders.map((o) => el('tr', {}, el('td', {}, o.listing.commune), el('td', {}, o.listing.village),
        el('td', {}, '#' + o.id), el('td', {}, o.listing.seller + ' · ' + o.listing.seller_phone),
        el('td', {}, o.listing.product), el('td', { class: 'n' }, o.qty), el('td', {}, o.buyer_phone))),
      { id: 'sheet-table' })));
}

/* ---- messages and health ---- */

async function pageMessages(main, params) {
  const h = await api('GET', '/api/health');
  clear(main);
  main.append(el('h1', {}, 'Tin nhắn và tình trạng hệ thống'));
  if (h.status === 200) {
    const o = h.data.outbox;
    main.append(el('div', { class: 'cards' },
      card('queued', 'Đang chờ gửi', num(o.queued + o.sending)), card('accepted', 'Kannel đã nhận', num(o.accepted)),
      card('failed', 'Gửi lỗi', num(o.failed)), card('delivered', 'Đã tới máy', num(o.delivered)),
      card('undelivered', 'Không tới máy', num(o.undelivered)),
      card('dlr_pct', 'Tỉ lệ tới máy (theo báo cáo)', h.data.delivered_pct === null ? '—' : h.data.delivered_pct.toLocaleString('vi-VN') + ' %')));
    if (h.data.kannel) {
      const k = h.data.kannel;
      main.append(el('h2', {}, 'Kết nối Kannel (từ lúc langso chạy)'), el('div', { class: 'cards' },
        card('sendsms_accepted', 'Kannel nhận gửi', num(k.sendsms_accepted)),
        card('sendsms_failed', 'Kannel từ chối', num(k.sendsms_failed)),
        card('sendsms_retried', 'Phải gửi lại', num(k.sendsms_retried)),
        card('bearerbox', 'Kết nối bearerbox', k.bearerbox === 'up' ? 'Đang nối' : k.bearerbox === 'down' ? 'LỖI: mất kết nối' : 'Không dùng (qua smsbox)'),
        card('database', 'Cơ sở dữ liệu', h.data.database_writable ? 'Ghi được' : 'LỖI: không ghi được')));
    }
  }
  if (state.me.role !== 'admin') return;
  const phone = params.get('phone') || '';
  main.append(el('form', { class: 'filters', id: 'msg-filter' },
    el('input', { name: 'phone', value: phone, placeholder: 'Số điện thoại', inputmode: 'tel', 'aria-label': 'Số điện thoại' }),
    el('button', { type: 'submit' }, 'Xem tin nhắn')));
  if (!phone) return;
  const r = await api('GET', '/api/messages?phone=' + encodeURIComponent(phone));
  if (r.status !== 200) { main.append(message(r.data.error, 'error')); return; }
  const rows = r.data.messages.sort((a, b) => b.at - a.at);
  main.append(table(['Lúc', 'Chiều', 'Nội dung', 'Trả lời / trạng thái'],
    rows.map((m) => el('tr', {}, el('td', {}, when(m.at)), el('td', {}, m.dir === 'in' ? 'Đến' : 'Đi'),
      el('td', { class: 'text' }, m.text),
      el('td', { class: 'text' }, m.dir === 'in' ? m.reply : m.status + (m.dlr_type === 1 ? ', đã tới máy' : m.dlr_type ? ', báo cáo ' + m.dlr_type : '')))),
    { id: 'messages' }));
}

/* ---- audit ---- */

async function pageAudit(main) {
  const r = await api('GET', '/api/audit');
  clear(main);
  main.append(el('h1', {}, 'Nhật ký thay đổi'));
  if (r.status !== 200) { main.append(message(r.data.error, 'error')); return; }
  main.append(table(['Lúc', 'Người dùng', 'Việc', 'Chi tiết'],
    r.data.audit.map((a) => el('tr', {}, el('td', {}, when(a.at)), el('td', {}, a.login),
      el('td', {}, a.action), el('td', { class: 'text' }, a.detail))), { id: 'audit' }));
}

/* ---- start ---- */

const PAGES = { overview: pageOverview, people: pagePeople, market: pageMarket, notices: pageNotices, messages: pageMessages, audit: pageAudit };

async function start() {
  const main = document.getElementById('main');
  const me = await api('GET', '/api/me');
  state.me = me.data;
  document.getElementById('who').textContent = state.me.login + ' · ' + (USER_ROLES[state.me.role] || state.me.role) +
    (state.me.commune ? ' · xã ' + state.me.commune : '');
  for (const a of document.querySelectorAll('.admin-only')) a.hidden = state.me.role !== 'admin';
  document.getElementById('logout').addEventListener('click', async () => {
    await fetch('/logout', { method: 'POST', headers: { 'X-CSRF-Token': state.me.csrf }, credentials: 'same-origin' });
    location.href = '/';
  });
  const page = location.pathname.slice(1) || 'overview';
  for (const a of document.querySelectorAll('#nav a')) if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
  await loadVillages();
  try {
    await (PAGES[page] || pageOverview)(main, new URLSearchParams(location.search));
  } catch (e) {
    clear(main).append(message('Lỗi: ' + e.message, 'error'));
  }
  document.body.dataset.ready = 'yes';	/* the browser tests wait for it */
}

document.addEventListener('DOMContentLoaded', start);
