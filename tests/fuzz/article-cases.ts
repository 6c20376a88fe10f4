// Hostile and odd article inputs for the API boundary: the hand-picked cases of issue 6 and a
// seeded generator that mutates valid articles (types, truncation, spliced Unicode, size).

import { MAX_ID_CHARS } from '../../src/article.js';
import { seededRandom } from '../../src/seeded-random.js';

export interface ArticleCase {
  name: string;
  input: unknown;
}

/** Valid articles in several scripts, the material the mutator starts from. */
export const VALID_ARTICLES = [
  { id: 'pl-flood', lang: 'pl', title: 'Powódź na Odrze', text: 'Fala powodziowa dotarła do Raciborza. Ewakuowano 3400 osób.', publishedAt: '2026-09-17' },
  { id: 'de-flood', title: 'Hochwasser an der Oder', text: 'Die Flutwelle hat Racibórz erreicht. 3400 Menschen wurden evakuiert.', publishedAt: '2026-09-17T08:00:00Z' },
  { id: 'en-launch', title: 'Satellite launched', text: 'A climate satellite lifted off from Kourou on a Vega-C rocket.', publishedAt: 1_789_000_000_000 },
  { id: 'ar-flood', lang: 'ar', title: 'فيضانات في بولندا', text: 'وصلت موجة الفيضان إلى راسيبورز وتم إجلاء 3400 شخص.' },
  { id: 'he-flood', title: 'שיטפון בפולין', text: 'גל השיטפון הגיע לרציבוז׳ ו־3400 איש פונו.' },
  { id: 'zh-launch', title: '气候卫星发射升空', text: '一颗气候卫星搭乘织女星C火箭从库鲁升空。' },
  { id: 'ru-mixed', title: 'Наводнение 🌊 on the Oder', text: 'Вода поднялась на два метра 📈 overnight; 3 400 эвакуированы.' },
] as const;

const MB = 1024 * 1024;
const big = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);

/** The cases issue 6 lists, each named. */
export function hostileArticles(): ArticleCase[] {
  const ok = { id: 'ok', text: 'The river rose by two metres overnight.' };
  const cases: ArticleCase[] = [
    { name: 'empty text', input: { id: 'e1', text: '' } },
    { name: 'whitespace-only text', input: { id: 'e2', text: ' \n\t\r\n \u00a0\u2003 ' } },
    { name: 'empty text with a title', input: { id: 'e3', title: 'Biles withdraws from final', text: '' } },
    { name: 'whitespace text and title', input: { id: 'e4', title: '   ', text: '  ' } },
    { name: '10 MB text', input: { id: 'big1', title: 'Long', text: big('Flood in Wrocław closes bridges. ', 10 * MB) } },
    { name: '10 MB text without spaces', input: { id: 'big2', text: big('x', 10 * MB) } },
    { name: '10 MB text of emoji (surrogate pairs across the cut)', input: { id: 'big3', text: 'a' + big('😀', 10 * MB) } },
    { name: '10 MB title', input: { id: 'big4', title: big('Headline ', 10 * MB), text: 'Body.' } },
    { name: 'invalid UTF-8 decoded to U+FFFD', input: { id: 'u1', text: new TextDecoder().decode(Uint8Array.from([0x46, 0x6c, 0xff, 0xfe, 0xc3, 0x28, 0x6f, 0x6f, 0x64])) } },
    { name: 'mixed scripts', input: { id: 'm1', text: 'Powódź Hochwasser наводнение فيضان שיטפון 洪水 洪水 बाढ़ 3400 osób' } },
    { name: 'Arabic right-to-left', input: { id: 'rtl1', text: 'وصلت موجة الفيضان إلى المدينة.' } },
    { name: 'Hebrew right-to-left with bidi marks', input: { id: 'rtl2', text: '\u202bגל השיטפון הגיע\u202c \u200fלעיר\u200f.' } },
    { name: 'bidi override in the title', input: { id: 'rtl3', title: '\u202egnirts desrever', text: 'Body text.' } },
    { name: 'emoji only', input: { id: 'emo1', text: '🔥🌊📈 👨‍👩‍👧‍👦 🇵🇱' } },
    { name: 'emoji and text', input: { id: 'emo2', text: 'Flood 🌊 in Wrocław 🇵🇱, 3400 evacuated 👨‍👩‍👧' } },
    { name: 'HTML with script and style', input: { id: 'h1', text: '<html><head><style>p{color:red}</style></head><body><p>Flood in <b>Wrocław</b>.</p><script>track("x")</script></body></html>' } },
    { name: 'HTML that is only a script', input: { id: 'h2', text: '<script>document.write("<p>hi</p>")</script>' } },
    { name: 'HTML entities', input: { id: 'h3', title: 'AT&amp;T &#8211; news', text: 'Caf&eacute; &lt;closed&gt; &#0; &#xD800; &#99999999; &constructor;' } },
    { name: 'unclosed script and comment', input: { id: 'h4', text: 'Visible text <!-- never closed <script> also never' } },
    { name: 'thousands of unclosed scripts', input: { id: 'h5', text: 'Visible. ' + big('<script>', 400_000) } },
    { name: 'NUL bytes in text', input: { id: 'nul1', text: 'Flood\u0000 in\u0000 Wrocław' } },
    { name: 'NUL byte in id', input: { id: 'nul\u0000id', text: 'ok' } },
    { name: 'control characters and ANSI escapes', input: { id: 'c1', title: '\u001b[31mRed\u001b[0m', text: '\u0001\u0002\u0007bell \u001b]0;title\u0007 \u0085\u009b text' } },
    { name: 'BOM in text and title', input: { id: 'bom1', title: '\ufeffHeadline', text: '\ufeffBody after a BOM.' } },
    { name: 'BOM in id', input: { id: '\ufeffbom2', text: 'ok' } },
    { name: 'lone high surrogate in text', input: { id: 's1', text: 'Flood \ud83c in Wrocław' } },
    { name: 'lone low surrogate in title', input: { id: 's2', title: '\udc00 Headline', text: 'Body' } },
    { name: 'lone surrogate in id', input: { id: 'id\ud800', text: 'ok' } },
    { name: 'reversed surrogate pair', input: { id: 's3', text: '\ude00\ud83d text' } },
    { name: 'zero-width characters only', input: { id: 'zw1', text: '\u200b\u200c\u200d\u2060\ufeff' } },
    { name: 'combining marks only', input: { id: 'cm1', text: '\u0301\u0302\u0303' } },
    { name: 'punctuation only with a title of symbols', input: { id: 'p1', title: '★ ☆ ✓', text: '... --- !!!' } },
    { name: 'missing id', input: { text: 'ok' } },
    { name: 'missing text', input: { id: 'mt' } },
    { name: 'missing text with a title', input: { id: 'mt2', title: 'Only a title' } },
    { name: 'empty object', input: {} },
    { name: 'id of spaces', input: { id: '   ', text: 'ok' } },
    { name: 'id at the length limit', input: { id: big('i', MAX_ID_CHARS), text: 'ok' } },
    { name: 'id one over the length limit', input: { id: big('i', MAX_ID_CHARS + 1), text: 'ok' } },
    { name: 'id of 1 MB', input: { id: big('i', MB), text: 'ok' } },
    { name: "id '__proto__'", input: JSON.parse('{"id":"__proto__","text":"prototype pollution attempt","__proto__":{"polluted":true}}') },
    { name: "id 'constructor'", input: { id: 'constructor', text: 'ok' } },
    { name: 'object without a prototype', input: Object.assign(Object.create(null), { id: 'np', text: 'ok' }) },
    { name: 'frozen article', input: Object.freeze({ id: 'fz', text: 'ok' }) },
    { name: 'invalid date string', input: { ...ok, id: 'd1', publishedAt: 'yesterday-ish' } },
    { name: 'empty date string', input: { ...ok, id: 'd2', publishedAt: '' } },
    { name: 'year 275760, the last day a Date holds', input: { ...ok, id: 'd3', publishedAt: '+275760-09-13T00:00:00.000Z' } },
    { name: 'year 275760, one day past the Date range', input: { ...ok, id: 'd4', publishedAt: '+275760-09-14T00:00:00.000Z' } },
    { name: 'epoch ms past the Date range', input: { ...ok, id: 'd5', publishedAt: 8.64e15 + 1 } },
    { name: 'epoch ms 1e300', input: { ...ok, id: 'd6', publishedAt: 1e300 } },
    { name: 'epoch ms -Infinity', input: { ...ok, id: 'd7', publishedAt: -Infinity } },
    { name: 'epoch ms NaN', input: { ...ok, id: 'd8', publishedAt: Number.NaN } },
    { name: 'invalid Date object', input: { ...ok, id: 'd9', publishedAt: new Date(Number.NaN) } },
    { name: 'year -271821', input: { ...ok, id: 'd10', publishedAt: '-271821-04-20T00:00:00.000Z' } },
    { name: 'date of 1 MB', input: { ...ok, id: 'd11', publishedAt: big('2026', MB) } },
    { name: 'Date whose getTime throws', input: { ...ok, id: 'd12', publishedAt: Object.assign(new Date(), { getTime: () => { throw new Error('no time'); } }) } },
    { name: 'lang as a number', input: { ...ok, id: 'l1', lang: 48 } },
    { name: 'lang as an array', input: { ...ok, id: 'l2', lang: ['pl'] } },
    { name: 'lang as an object', input: { ...ok, id: 'l3', lang: { code: 'pl' } } },
    { name: 'lang as a boolean', input: { ...ok, id: 'l4', lang: true } },
    { name: "lang 'english'", input: { ...ok, id: 'l5', lang: 'english' } },
    { name: "lang 'pl-PL'", input: { ...ok, id: 'l6', lang: 'pl-PL' } },
    { name: "lang 'zz' (unknown code)", input: { ...ok, id: 'l7', lang: 'zz' } },
    { name: 'lang empty string', input: { ...ok, id: 'l8', lang: '' } },
    { name: 'lang of 100,000 characters', input: { ...ok, id: 'l9', lang: 'en-' + big('a', 100_000) } },
    { name: "lang 'ar' on Hebrew text", input: { id: 'l10', lang: 'ar', text: 'גל השיטפון הגיע' } },
    { name: 'lang with a lone surrogate', input: { ...ok, id: 'l11', lang: 'p\ud800' } },
  ];
  const wrongTypes: Array<[string, unknown]> = [
    ['a number', 42],
    ['NaN', Number.NaN],
    ['null', null],
    ['an array', ['text']],
    ['an object', { value: 'text' }],
    ['a boolean', false],
    ['a bigint', 10n],
    ['a symbol', Symbol('x')],
    ['a function', () => 'text'],
    ['a Date', new Date(0)],
    ['a String object', Object('boxed')],
  ];
  for (const field of ['id', 'text', 'title', 'publishedAt', 'lang', 'url', 'source']) {
    for (const [typeName, value] of wrongTypes) {
      cases.push({ name: `${field} as ${typeName}`, input: { ...ok, id: `wt-${field}-${typeName}`, [field]: value } });
    }
  }
  const notObjects: Array<[string, unknown]> = [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'an article'],
    ['a number', 7],
    ['an array', [ok]],
    ['a Map', new Map(Object.entries(ok))],
    ['a Date', new Date()],
  ];
  for (const [name, input] of notObjects) cases.push({ name: `article as ${name}`, input });
  cases.push({ name: 'getter that throws', input: { get id(): string { throw new Error('getter exploded'); }, text: 'ok' } });
  cases.push({ name: 'proxy whose traps throw', input: new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); } }) });
  const { proxy, revoke } = Proxy.revocable({ id: 'rv', text: 'ok' }, {});
  revoke();
  cases.push({ name: 'revoked proxy', input: proxy });
  return cases;
}

// Pieces spliced into strings: the odd things scrapers and broken encoders produce.
const SPLICES = [
  '\u0000', '\ud800', '\udfff', '\ufffd', '\ufeff', '\u200b', '\u202e', '\u200f', '\u0301', '\u001b[2J', '\r', '\r\n', '\n\n\n', '\t',
  '😀', '👨‍👩‍👧', '🇵🇱', 'ﷺ', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ß', 'İ', 'ǅ', 'שלום', 'مرحبا', '中文', 'Ωμέγα', 'Łódź',
  '<script>x()</script>', '<style>', '<!--', '-->', '<p>', '</div>', '&amp;', '&#0;', '&#x10FFFF;', '&nbsp;', '<',
  'WERBUNG', 'Czytaj też: inne', '---', '1,000,000.50', '3 400', "'", '"', '\\', '{"id":', ']', 'null', '__proto__',
];

// Values a field can be switched to.
const ODD_VALUES: unknown[] = [
  undefined, null, 0, -1, 1.5, Number.NaN, Infinity, -Infinity, 8.64e15, 8.64e15 + 1, true, false, '', ' ', '\u0000',
  [], ['x'], {}, { nested: { deep: true } }, new Date(Number.NaN), new Date(0), 10n, 'not-a-date', '2026-02-30', '+275760-09-14',
  'pl', 'PL', 'xx-YY-zz', 'e', 'englisch', '2026-09-17T25:61:00Z', '1e3',
];

const FIELDS = ['id', 'text', 'title', 'lang', 'publishedAt', 'url', 'source'] as const;

/**
 * `count` articles derived from VALID_ARTICLES by one to three random mutations each,
 * reproducible from `seed`. Ids are reused across cases on purpose, so duplicates occur.
 */
export function mutatedArticles(seed: number, count: number): ArticleCase[] {
  const random = seededRandom(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const cases: ArticleCase[] = [];
  for (let n = 0; n < count; n++) {
    const base = pick(VALID_ARTICLES);
    const article: Record<string, unknown> = { ...base, id: `${base.id}-${Math.floor(random() * Math.max(4, count / 10))}` };
    const steps: string[] = [];
    const mutations = 1 + Math.floor(random() * 3);
    for (let m = 0; m < mutations; m++) {
      const field = pick(FIELDS);
      const value = article[field];
      const op = Math.floor(random() * 7);
      if (op === 0) {
        article[field] = pick(ODD_VALUES);
        steps.push(`${field}=${describeValue(article[field])}`);
      } else if (op === 1) {
        delete article[field];
        steps.push(`-${field}`);
      } else if (typeof value !== 'string') {
        article[field] = pick(SPLICES);
        steps.push(`${field}=splice`);
      } else if (op === 2) {
        // Any code unit offset, so surrogate pairs get cut in half.
        article[field] = value.slice(0, Math.floor(random() * (value.length + 1)));
        steps.push(`truncate ${field}`);
      } else if (op === 3 || op === 4) {
        const at = Math.floor(random() * (value.length + 1));
        article[field] = value.slice(0, at) + pick(SPLICES) + value.slice(at);
        steps.push(`splice ${field}`);
      } else if (op === 5) {
        article[field] = randomCodeUnits(random, 1 + Math.floor(random() * 40));
        steps.push(`random units ${field}`);
      } else {
        // Occasionally huge, mostly a few repeats: size without making the run slow.
        const times = random() < 0.1 ? Math.ceil(300_000 / Math.max(1, value.length)) : 2 + Math.floor(random() * 5);
        article[field] = value.repeat(times);
        steps.push(`repeat ${field} x${times}`);
      }
    }
    cases.push({ name: `mutation ${n} (${steps.join(', ')})`, input: article });
  }
  return cases;
}

/** Random UTF-16 code units, lone surrogates and controls included. */
export function randomCodeUnits(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = random();
    out += r < 0.4 ? String.fromCharCode(32 + Math.floor(random() * 95)) : r < 0.5 ? String.fromCharCode(Math.floor(random() * 32)) : String.fromCharCode(Math.floor(random() * 0x10000));
  }
  return out;
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}
