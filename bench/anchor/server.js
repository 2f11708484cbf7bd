'use strict';
/*
 * bench/anchor/server.js - the peer anchor of bench/ussd.sh (issue 14): langso's
 * USSD menus (conf/menus.conf: home with 8 options, the lexicon's products 8 a
 * page, units, quantity, price, confirm, search, prices, register) written with
 * the npm library ussd-builder the way its README shows (UssdMenu states,
 * sessionConfig over an in-memory Map), behind Node's own http module.
 *
 *   node server.js PORT [--people FILE] [--lexicon FILE] [--villages FILE] [--bare]
 *
 * POST /ussd takes the Africa's Talking form fields (sessionId, serviceCode,
 * phoneNumber, text = the *-joined history) and answers 200 "CON ..." or
 * "END ..." in text/plain, as langso does. --bare answers langso's home
 * screen to every POST without a menu: the ceiling of Node's HTTP layer.
 *
 * What it does like langso: the same screens (Vietnamese without diacritics,
 * the same options and numbering, "0.Lui 00.Dau", 0 back, 00 home, 9 next
 * page, a page cut to 160 characters), the product names and units from the
 * same lexicon, selling only for a registered household (--people, the CSV
 * bench/ussd.sh imports into langso), listings kept and read back: a sale
 * appends one, a search shows the product's open listings nearest first (the
 * buyer's village, its commune, the rest, newest first, up to 64 as langso
 * fetches), prices give low / median / high and the cheapest commune from a
 * per-product histogram of prices, as langso's price window does.
 *
 * What it does not do: no database, nothing durable (a restart loses every
 * listing and session), no inbox (an HTTP retry of the last step of a sale
 * makes a second listing), no 14-day window (every listing counts), no SMS
 * alerts; "my orders", notices and the "Khac" menu answer screens of the same
 * shape without the work behind them (the bench's flows never reach them).
 */
const http = require('http');
const fs = require('fs');
const path = require('path');
const querystring = require('querystring');
const UssdMenu = require('ussd-builder');

const SCREEN_MAX = 160;		/* a USSD string: 160 octets (menus/menu.h) */
const HINT_ROOM = 12;		/* what a page keeps for a hint (menus/menu_int.h) */
const PAGE_ITEMS = 8;
const ITEMS_MAX = 64;		/* the choices one list offers (menus/menu.h) */
const FOOTER = '\n0.Lui 00.Dau';
const MORE = '\n9.Tiep';
const SESSION_TIMEOUT_MS = 120 * 1000;	/* [ussd] session_timeout's default */

/* ---- arguments and data files ---- */

const argv = process.argv.slice(2);
const port = Number(argv[0]);
function opt(name, dflt) {
	const i = argv.indexOf(name);
	return i > 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
}
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
	console.error('usage: server.js PORT [--people FILE] [--lexicon FILE] [--villages FILE] [--bare]');
	process.exit(2);
}
const CONF = path.resolve(__dirname, '..', '..', 'conf');
const bare = argv.includes('--bare');

/* plain: the text without diacritics, as langso's screens are (GSM-7) */
function plain(s) {
	return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

function csvRows(file) {
	return fs.readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '')
		.map((l) => l.split(',').map((f) => f.trim()));
}

/* "30k" -> 30000 */
function amount(s) {
	const m = /^(\d+)(k?)$/.exec(s);
	return m ? Number(m[1]) * (m[2] ? 1000 : 1) : NaN;
}

/* The products of conf/lexicon.conf in file order ("KEY = Display ; alias ..
 * ; kg LO-HI ; piece LO-HI ; by_piece"); varieties (KEY/VARIETY) are skipped. */
function readLexicon(file) {
	const products = [];

	for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
		const line = raw.replace(/#.*/, '').trim();
		const eq = line.indexOf('=');
		if (eq < 0 || line.slice(0, eq).includes('/'))
			continue;
		const fields = line.split(';').map((f) => f.trim());
		const p = {
			key: fields[0].slice(0, eq).trim(),
			label: plain(fields[0].slice(eq + 1).trim()),
			kg: null, piece: null, byHead: false,
		};
		for (const f of fields.slice(1)) {
			const m = /^(kg|piece)\s+(\w+)-(\w+)$/.exec(f);
			if (m)
				p[m[1]] = [amount(m[2]), amount(m[3])];
			else if (f === 'by_piece')
				p.byHead = true;
		}
		p.upper = p.label.toUpperCase();
		products.push(p);
	}
	if (products.length === 0)
		throw new Error(`${file}: no product`);
	return products;
}

/* the units of sell_unit in menus.conf, with the kind of product each fits */
const UNITS = [
	{ name: 'kg', label: 'kg', grams: 1000, kind: 'weight' },
	{ name: 'yen', label: 'yen (10kg)', grams: 10000, kind: 'weight' },
	{ name: 'ta', label: 'ta (100kg)', grams: 100000, kind: 'weight' },
	{ name: 'con', label: 'con', grams: 0, kind: 'head' },
	{ name: 'qua', label: 'qua', grams: 0, kind: 'piece' },
	{ name: 'bo', label: 'bo', grams: 0, kind: 'piece' },
];

/* the units a product is offered in, as langso's kinds_of (all when none fits) */
function unitsOf(p) {
	const fits = UNITS.filter((u) => (u.kind === 'weight' && p.kg) ||
		(u.kind === 'head' && p.piece && p.byHead) || (u.kind === 'piece' && p.piece && !p.byHead));
	return fits.length > 0 ? fits : UNITS;
}

/* ---- the market, in memory ---- */

const market = {
	products: [],
	villages: new Map(),		/* code -> {code, name, commune} */
	communes: new Map(),		/* commune -> [village codes] */
	people: new Map(),		/* phone -> village code */
	nextListing: 1,
	byId: new Map(),
	/* product index -> village code -> open listings, oldest first */
	open: [],
	/* product index -> every open listing, oldest first (the province tier) */
	all: [],
	/* product index -> basis -> {points: Map price -> count, communes: Map -> {n, total}} */
	prices: [],
	mine: new Map(),		/* phone -> [listing] */
};

function loadMarket() {
	market.products = readLexicon(opt('--lexicon', path.join(CONF, 'lexicon.conf')));
	for (const [code, name, commune] of csvRows(opt('--villages', path.join(CONF, 'demo', 'villages.csv')))) {
		market.villages.set(code, { code, name: plain(name), commune: plain(commune) });
		if (!market.communes.has(plain(commune)))
			market.communes.set(plain(commune), []);
		market.communes.get(plain(commune)).push(code);
	}
	const people = opt('--people', null);
	if (people)
		for (const [phone, , village] of csvRows(people))
			if (market.villages.has(village))
				market.people.set(phone, village);
	market.open = market.products.map(() => new Map());
	market.all = market.products.map(() => []);
	market.prices = market.products.map(() => new Map());
}

function vnd(n) {
	return String(Math.max(0, Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

function short(n) {
	return n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/* perOf: prices of weights are per kg, of counted goods per piece */
function perOf(unit) {
	return unit.grams > 0 ? 'kg' : unit.name;
}

function priceCheck(p, unit, price) {
	const range = unit.grams > 0 ? p.kg : p.piece;
	if (!range)
		return 0;
	return price > range[1] ? 1 : price < range[0] ? -1 : 0;
}

function addListing(phone, pi, unit, qty, price) {
	const village = market.villages.get(market.people.get(phone));
	const l = {
		id: market.nextListing++, phone, product: pi, unit, qty, price,
		village: village.code, commune: village.commune, open: true,
	};
	const byVillage = market.open[pi];
	if (!byVillage.has(l.village))
		byVillage.set(l.village, []);
	byVillage.get(l.village).push(l);
	market.all[pi].push(l);
	market.byId.set(l.id, l);
	if (!market.mine.has(phone))
		market.mine.set(phone, []);
	market.mine.get(phone).push(l);

	/* as langso's price window: an implausible price is listed, not counted */
	if (priceCheck(market.products[pi], unit, price) !== 0)
		return l;
	const basis = perOf(unit);
	const prices = market.prices[pi];
	if (!prices.has(basis))
		prices.set(basis, { offers: 0, points: new Map(), communes: new Map() });
	const h = prices.get(basis);
	h.offers++;
	h.points.set(price, (h.points.get(price) || 0) + 1);
	const c = h.communes.get(l.commune) || { n: 0, total: 0 };
	c.n++;
	c.total += price;
	h.communes.set(l.commune, c);
	return l;
}

/* newest open listings of one list, up to max, skipping those keep() refuses */
function newest(list, max, keep, out) {
	for (let i = list.length - 1; i >= 0 && out.length < max; i--)
		if (list[i].open && keep(list[i]))
			out.push(list[i]);
	return out;
}

/* searchListings: the product's open listings nearest the buyer first, as
 * langso's search: the buyer's village, the other villages of its commune,
 * then the rest of the province, newest first in each, up to ITEMS_MAX. */
function searchListings(pi, phone) {
	const home = market.villages.get(market.people.get(phone));
	const byVillage = market.open[pi];
	const out = [];

	if (home) {
		newest(byVillage.get(home.code) || [], ITEMS_MAX, () => true, out);
		const near = [];
		for (const code of market.communes.get(home.commune))
			if (code !== home.code)
				newest(byVillage.get(code) || [], ITEMS_MAX - out.length, () => true, near);
		near.sort((a, b) => b.id - a.id);
		out.push(...near.slice(0, ITEMS_MAX - out.length));
	}
	return newest(market.all[pi], ITEMS_MAX, (l) => !home || l.commune !== home.commune, out);
}

/* "#12 50kg 30k Quan Thanh": the village, or what (my listings) */
function listingLabel(l, what) {
	const unit = l.unit.grams > 0 ? `${l.qty}${l.unit.name}` : `${l.qty} ${l.unit.name}`;
	const per = l.unit.grams > 0 ? '' : `/${l.unit.name}`;
	return `#${l.id} ${unit} ${short(l.price)}${per} ${what || market.villages.get(l.village).name}`;
}

/* priceText: the PRICE answer of the basis with the most offers */
function priceText(pi) {
	const p = market.products[pi];
	let best = null, basis = null;

	for (const [b, h] of market.prices[pi])
		if (!best || h.offers > best.offers)
			[best, basis] = [h, b];
	if (!best)
		return `Chua co gia ${p.label} trong 14 ngay qua. Nhan THEO ${p.upper} de duoc bao khi co tin ban.`;
	const sorted = [...best.points.entries()].sort((a, b) => a[0] - b[0]);
	let seen = 0, median = sorted[0][0];
	const half = Math.floor((best.offers + 1) / 2);
	for (const [price, count] of sorted) {
		if (seen < half && seen + count >= half)
			median = price;
		seen += count;
	}
	let cheapest = null;
	for (const [commune, c] of best.communes)
		if (!cheapest || c.total * cheapest.n < cheapest.total * c.n)
			cheapest = { commune, n: c.n, total: c.total };
	return `Gia ${p.label} 14 ngay qua: thap ${vnd(sorted[0][0])}d, giua ${vnd(median)}d, ` +
		`cao ${vnd(sorted[sorted.length - 1][0])}d /${basis} (${best.offers} tin ban). ` +
		`Re nhat o xa ${cheapest.commune}. Xem tin ban: TIM ${p.upper}.`;
}

/* pageBounds: which items a page shows, as langso's menu_page_bounds (up to
 * 8 that fit in a screen with room for a hint, "9.Tiep" and the footer) */
function pageBounds(header, labels, page) {
	const budget = SCREEN_MAX - HINT_ROOM - header.length - MORE.length - FOOTER.length;
	let start = 0, end = 0;

	for (let p = 0; p <= page && start < labels.length; p++) {
		let used = 0;
		end = start;
		while (end < labels.length && end - start < PAGE_ITEMS) {
			const l = Math.min(3 + labels[end].length, budget);
			if (end > start && used + l > budget)
				break;
			used += l;
			end++;
		}
		if (p === page)
			break;
		start = end;
	}
	if (start >= labels.length)
		start = end = labels.length;
	return { from: start, to: end, more: end < labels.length };
}

function pagesOf(header, labels) {
	let n = 1;
	while (pageBounds(header, labels, n - 1).more)
		n++;
	return n;
}

/* ---- the menus, as ussd-builder states ---- */

const HOME = 'Lang So - cho nong san\n1.Ban hang\n2.Xem gia\n3.Tim va mua\n4.Tin ban cua toi\n' +
	'5.Don mua gui toi\n6.Thong bao thon\n7.Dang ky ho\n8.Khac';
const BYE = 'Tam biet. Quay so lai khi can.';
const CHOICE_HINT = 'Chon lai. ';
const START = UssdMenu.START_STATE;

function numbered(lines) {
	return lines.map((l, i) => `\n${i + 1}.${l}`).join('');
}

/*
 * buildMenu makes one UssdMenu with every state. ussd-builder replays the
 * whole history (text) from the start state at every step and runs only the
 * last state's run(), so what a step chose or typed is kept in the session
 * by the `next` function that takes it (again at every later step, as the
 * history is replayed) and read back by later screens: a session that
 * starts with the whole history (*868*1*1*1*50#) works too.
 *
 * Each screen is two states sharing one `next`: NAME, and NAME! (a value
 * its `next` refused: the hint, then the screen again). 0 goes back, 00
 * home, as everywhere in langso.
 * The literal keys '0'..'9' are tried before the '*regex' keys whatever the
 * order they are written in: JavaScript orders integer-like keys first.
 */
function buildMenu() {
	const menu = new UssdMenu();
	const sess = (key) => menu.session.get(key);
	const keep = (key, val) => menu.session.set(key, val);

	/* ussd-builder waits forever on a `next` promise that rejects (and Node
	 * stops on the unhandled rejection): answer 500 through 'error' instead */
	const guard = (f) => () => Promise.resolve().then(f).catch((err) => {
		menu.emit('error', err);
		return new Promise(() => {});
	});

	function screen(name, spec) {
		const next = { '00': START, '0': spec.back };
		for (const [key, to] of Object.entries(spec.next || {}))
			next[key] = typeof to === 'function' ? guard(to) : to;
		const variant = (suffix, hint) => menu.state(name + suffix, {
			run: () => {
				Promise.resolve(spec.show())
					.then((r) => {
						if (r.end)
							menu.end(r.text);
						else
							menu.con((hint ? spec.hint || CHOICE_HINT : '') + r.text + FOOTER);
					})
					.catch((err) => menu.emit('error', err));
			},
			next, defaultNext: name + '!',
		});
		variant('', false);
		variant('!', true);
	}

	/* list: a paged list of choices; items() gives the labels (a promise),
	 * pick(index) keeps the choice and gives the next state */
	function list(name, spec) {
		for (let page = 0; page < ITEMS_MAX; page++) {
			const here = `${name}.p${page}`;
			let bounds = null;
			const items = () => Promise.resolve(spec.header()).then((header) =>
				Promise.resolve(spec.items()).then((labels) => {
					bounds = pageBounds(header, labels, page);
					return { header, labels };
				}));
			screen(here, {
				back: page > 0 ? `${name}.p${page - 1}` : spec.back,
				show: () => items().then(({ header, labels }) => {
					if (labels.length === 0 && spec.empty)
						return spec.empty();
					const shown = labels.slice(bounds.from, bounds.to);
					return { text: header + (labels.length === 0 ? '\n(chua co)' : numbered(shown)) +
						(bounds.more ? MORE : '') };
				}),
				next: {
					'9': () => items().then(() => bounds.more ? `${name}.p${page + 1}` : `${here}!`),
					'*^[1-8]$': () => items().then(() => {
						const i = bounds.from + Number(menu.val) - 1;
						return i < bounds.to ? spec.pick(i) : `${here}!`;
					}),
				},
			});
			if (spec.pages && page + 1 >= spec.pages)
				break;
		}
	}

	const product = () => sess('product').then((i) => market.products[i]);
	const unit = () => sess('unit').then((u) => UNITS[u]);
	const labels = market.products.map((p) => p.label);
	const productList = (name, header, target) => list(name, {
		back: START, header: () => header, pages: pagesOf(header, labels),
		items: () => labels,
		pick: (i) => keep('product', i).then(() => target),
	});

	menu.startState({
		run: () => menu.con(HOME),
		next: {
			'00': START,
			'0': 'bye',
			'1': () => market.people.has(menu.args.phoneNumber) ? 'sell_product.p0' : 'sell_unreg',
			'2': 'price_product.p0',
			'3': 'buy',
			'4': 'my_listings.p0',
			'5': 'order_no',
			'6': 'notice_none',
			'7': 'reg_village',
			'8': 'notify',
		},
		defaultNext: 'home!',
	});
	menu.state('home!', {
		run: () => menu.con(CHOICE_HINT + HOME),
		next: menu.states[START].next, defaultNext: 'home!',
	});
	menu.state('bye', { run: () => menu.end(BYE) });

	/* ---- sell: product, unit, quantity, price, confirm -> LIST */
	productList('sell_product', 'Ban mat hang nao?', 'sell_unit');
	screen('sell_unreg', {
		back: START,
		show: () => ({ text: 'So nay chua dang ky ho nen chua dang tin ban duoc. Dang ky bang ma thon ' +
			'(hoi truong thon) va ho ten chu ho:\n1.Dang ky ngay' }),
		next: { '1': 'reg_village' },
	});
	screen('sell_unit', {
		back: 'sell_product.p0',
		show: () => product().then((p) => ({
			text: `${p.label}: ban theo don vi nao?` + numbered(unitsOf(p).map((u) => u.label)),
		})),
		next: {
			'*^[1-6]$': () => product().then((p) => {
				const u = unitsOf(p)[Number(menu.val) - 1];
				return u ? keep('unit', UNITS.indexOf(u)).then(() => 'sell_qty') : 'sell_unit!';
			}),
		},
	});
	screen('sell_qty', {
		back: 'sell_unit', hint: 'So luong chua dung. ',
		show: () => Promise.all([product(), unit()]).then(([p, u]) => ({
			text: `Ban bao nhieu ${u.name} ${p.label}? Nhap so, vd 50`,
		})),
		next: { '*^[1-9][0-9]{0,5}$': () => keep('qty', Number(menu.val)).then(() => 'sell_price') },
	});
	screen('sell_price', {
		back: 'sell_qty', hint: 'Gia chua dung. ',
		show: () => unit().then((u) => ({ text: `Gia 1 ${perOf(u)} (dong)? Vd 30000 hoac 30 (nghin). TT: thoa thuan` })),
		/* "30" is 30 nghin, as the screen says */
		next: {
			'*^[1-9][0-9]{0,8}$': () => keep('price', Number(menu.val) < 1000 ? Number(menu.val) * 1000 :
				Number(menu.val)).then(() => 'sell_confirm'),
		},
	});
	screen('sell_confirm', {
		back: 'sell_price',
		show: () => Promise.all([product(), unit(), sess('qty'), sess('price')]).then(([p, u, qty, price]) => {
			const check = priceCheck(p, u, price);
			const warn = check ? `\nLuu y: gia ${check > 0 ? 'cao' : 'thap'} bat thuong.` : '';
			return { text: `Dang tin ban ${p.label} ${qty} ${u.name}, gia ${vnd(price)}d/${perOf(u)}?${warn}` +
				'\n1.Dong y\n2.Lam lai' };
		}),
		next: { '1': 'sell_done', '2': 'sell_product.p0' },
	});
	menu.state('sell_done', {
		run: () => Promise.all([sess('product'), unit(), sess('qty'), sess('price')])
			.then(([pi, u, qty, price]) => {
				const l = addListing(menu.args.phoneNumber, pi, u, qty, price);
				const total = u.grams > 0 ? qty * (u.grams / 1000) * price : qty * price;
				menu.end(`Da dang tin #${l.id}: ${market.products[pi].label} ${qty}${u.name}, ` +
					`${vnd(price)}d/${perOf(u)} (tong ${vnd(total)}d). Sai? Nhan HUY ${l.id}.`);
			}).catch((err) => menu.emit('error', err)),
	});

	/* ---- prices -> PRICE */
	productList('price_product', 'Xem gia mat hang nao?', 'price_show');
	menu.state('price_show', {
		run: () => sess('product').then((pi) => menu.end(priceText(pi)))
			.catch((err) => menu.emit('error', err)),
	});

	/* ---- search and order */
	screen('buy', {
		back: START,
		show: () => ({ text: 'Tim va mua\n1.Tim theo mat hang\n2.Mua theo so tin' }),
		next: { '1': 'search_product.p0', '2': 'order_listing' },
	});
	productList('search_product', 'Tim mua mat hang nao?', 'search_listing.p0');
	const found = () => sess('product').then((pi) => searchListings(pi, menu.args.phoneNumber));
	list('search_listing', {
		back: 'search_product.p0',
		header: () => product().then((p) => `${p.label} dang ban:`),
		items: () => found().then((ls) => ls.map((l) => listingLabel(l))),
		empty: () => product().then((p) => ({
			end: true,
			text: `Chua co tin ban ${p.label}. Nhan THEO ${p.upper} de duoc bao khi co hang, ` +
				`GIA ${p.upper} de xem gia.`,
		})),
		pick: (i) => found().then((ls) => keep('listing', ls[i].id)).then(() => 'order_qty'),
	});
	screen('order_listing', {
		back: 'buy', hint: 'So tin chua dung. ',
		show: () => ({ text: 'Nhap so tin muon mua (so # trong tin nhan), vd 123' }),
		next: {
			'*^[1-9][0-9]{0,9}$': () => {
				const l = market.byId.get(Number(menu.val));
				return l && l.open ? keep('listing', l.id).then(() => 'order_qty') : 'order_listing!';
			},
		},
	});
	const listing = () => sess('listing').then((id) => market.byId.get(id));
	screen('order_qty', {
		back: 'buy', hint: 'So luong chua dung. ',
		show: () => listing().then((l) => ({ text: `Mua bao nhieu ${l.unit.name} (tin #${l.id})? Nhap so, vd 20` })),
		next: {
			'*^[1-9][0-9]{0,5}$': () => listing().then((l) => Number(menu.val) <= l.qty ?
				keep('order_qty', Number(menu.val)).then(() => 'order_confirm') : 'order_qty!'),
		},
	});
	screen('order_confirm', {
		back: 'order_qty',
		show: () => Promise.all([listing(), sess('order_qty')]).then(([l, qty]) => ({
			text: `Dat mua ${qty} ${l.unit.name} ${market.products[l.product].label} tu tin #${l.id}, ` +
				`gia ${vnd(l.price)}d/${perOf(l.unit)}?\n1.Dong y\n2.Lam lai`,
		})),
		next: { '1': 'order_done', '2': 'buy' },
	});
	menu.state('order_done', {
		run: () => listing().then((l) => menu.end(`Da gui don mua toi nguoi ban tin #${l.id}. ` +
			'Nguoi ban se tra loi qua tin nhan.')).catch((err) => menu.emit('error', err)),
	});

	/* ---- my listings -> SOLD_OUT / CANCEL_LISTING */
	const mine = () => (market.mine.get(menu.args.phoneNumber) || []).filter((l) => l.open).reverse()
		.slice(0, ITEMS_MAX);
	list('my_listings', {
		back: START, header: () => 'Tin ban cua ban:',
		items: () => mine().map((l) => listingLabel(l, market.products[l.product].label)),
		pick: (i) => keep('listing', mine()[i].id).then(() => 'listing_act'),
	});
	screen('listing_act', {
		back: 'my_listings.p0',
		show: () => sess('listing').then((id) => ({
			text: `Tin #${id}:\n1.Bao het hang\n2.Huy tin\n3.Sua gia\n4.Sua so luong con lai`,
		})),
		next: { '1': 'listing_close', '2': 'listing_close', '3': 'not_here', '4': 'not_here' },
	});
	menu.state('listing_close', {
		run: () => listing().then((l) => {
			l.open = false;
			menu.end(`Da dong tin #${l.id}.`);
		}).catch((err) => menu.emit('error', err)),
	});

	/* ---- what the bench never reaches: same shape, no work behind */
	screen('order_no', {
		back: START, hint: 'So don chua dung. ',
		show: () => ({ text: 'Nhap so don mua, vd 45' }),
		next: { '*^[1-9][0-9]{0,9}$': 'not_here' },
	});
	menu.state('notice_none', {
		run: () => menu.end('Thon cua ban chua co thong bao nao. Chua dang ky? Chon 7 o menu chinh.'),
	});
	screen('notify', {
		back: START,
		show: () => ({ text: 'Nhan thong bao va tin hang:' + numbered(['Ngung nhan tin', 'Nhan tin lai',
			'Theo doi hang', 'Bo theo doi', 'Da giao hang', 'Huy don mua', 'To CNS, thon']) }),
		next: { '*^[1-7]$': 'not_here' },
	});
	menu.state('not_here', { run: () => menu.end('Chuc nang nay chua co o ban thu nghiem.') });

	/* ---- register -> REGISTER */
	screen('reg_village', {
		back: START, hint: 'Ma thon chua dung. ',
		show: () => ({ text: 'Nhap ma thon (hoi truong thon), vd LD02' }),
		next: {
			'*^[A-Za-z]{2}[0-9]{2}$': () => market.villages.has(menu.val.toUpperCase()) ?
				keep('village', menu.val.toUpperCase()).then(() => 'reg_name') : 'reg_village!',
		},
	});
	screen('reg_name', {
		back: 'reg_village', hint: 'Ten chua dung. ',
		show: () => ({ text: 'Nhap ho ten chu ho' }),
		next: { '*^[^0-9].{1,40}$': () => keep('name', plain(menu.val)).then(() => 'reg_confirm') },
	});
	screen('reg_confirm', {
		back: 'reg_name',
		show: () => Promise.all([sess('name'), sess('village')]).then(([name, village]) => ({
			text: `Dang ky ${name}, thon ${village}?\n1.Dong y\n2.Lam lai`,
		})),
		next: { '1': 'reg_done', '2': 'reg_village' },
	});
	menu.state('reg_done', {
		run: () => Promise.all([sess('name'), sess('village')]).then(([name, village]) => {
			market.people.set(menu.args.phoneNumber, village);
			menu.end(`Da dang ky ${name}, thon ${market.villages.get(village).name}.`);
		}).catch((err) => menu.emit('error', err)),
	});

	/* sessions: an in-memory Map, as the README's "local memory" example */
	menu.sessionConfig({
		start: (id, cb) => {
			const s = sessions.get(id);
			if (s)
				s.at = Date.now();
			else
				sessions.set(id, { at: Date.now(), data: new Map() });
			cb();
		},
		end: (id, cb) => {
			sessions.delete(id);
			cb();
		},
		set: (id, key, value, cb) => {
			sessions.get(id).data.set(key, value);
			cb();
		},
		get: (id, key, cb) => cb(null, sessions.get(id).data.get(key)),
	});
	menu.on('error', (err) => {
		if (menu.pending)
			answer(menu.pending, 500, `END Loi menu: ${err.message}`);
		menu.pending = null;
		console.error('ussd-builder:', err.message);
	});
	return menu;
}

const sessions = new Map();
/* sessions left without an END expire as langso's do */
setInterval(() => {
	const old = Date.now() - SESSION_TIMEOUT_MS;
	for (const [id, s] of sessions)
		if (s.at < old)
			sessions.delete(id);
}, 10 * 1000).unref();

/*
 * A UssdMenu keeps the step it runs in its own fields (args, val, the
 * result's callback), so one instance must not run two steps at once: a
 * step whose session or data answered later would take the other's answer.
 * Each step takes a menu from this pool and gives it back once answered;
 * with the synchronous Map store one menu is enough, made once.
 */
const pool = [];

function answer(res, status, text) {
	res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
	res.end(text);
}

function step(res, form) {
	const menu = pool.pop() || buildMenu();
	menu.pending = res;
	menu.run({
		sessionId: form.sessionId, serviceCode: form.serviceCode,
		phoneNumber: form.phoneNumber, text: form.text,
	}).then((result) => {
		if (menu.pending === res)
			answer(res, 200, result);
		menu.pending = null;
		pool.push(menu);
	});
}

function onRequest(req, res) {
	if (req.method !== 'POST' || req.url !== '/ussd') {
		answer(res, 404, 'not found\n');
		req.resume();
		return;
	}
	let body = '';
	req.setEncoding('utf8');
	req.on('data', (chunk) => {
		body += chunk;
	});
	req.on('end', () => {
		if (bare) {
			answer(res, 200, 'CON ' + HOME);
			return;
		}
		const form = querystring.parse(body);
		if (typeof form.sessionId !== 'string' || typeof form.phoneNumber !== 'string' ||
		    typeof form.text !== 'string' || body.length > 4096) {
			answer(res, 400, 'END Thieu sessionId, phoneNumber hoac text.');
			return;
		}
		step(res, form);
	});
}

if (!bare)
	loadMarket();
const server = http.createServer(onRequest);
server.keepAliveTimeout = 60 * 1000;
server.listen(port, '127.0.0.1', 4096, () => {
	console.log(`listening 127.0.0.1:${port} (${bare ? 'bare http' : 'ussd-builder'}, node ${process.version})`);
});
/* what it holds at the end, for bench/ussd.sh beside langso's database counts */
process.on('SIGTERM', () => {
	if (!bare)
		console.log(`in memory: ${market.byId.size} listings, ${sessions.size} sessions`);
	server.close(() => process.exit(0)).closeAllConnections();
});
