// Hostile and odd input files for the CLI reader: the cases issue 6 lists (BOMs, invalid
// UTF-8, binary files, NUL bytes, a 20 MB JSONL line, wrong types) and a seeded generator
// that mutates the bytes of valid .json/.jsonl/.txt files.

import { seededRandom } from '../../src/seeded-random.js';
import { randomCodeUnits, VALID_ARTICLES } from './article-cases.js';

export interface FileCase {
  name: string;
  /** File name (its extension decides how it is read) and content. */
  files: Array<{ name: string; content: Uint8Array | string }>;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const BOM = Uint8Array.from([0xef, 0xbb, 0xbf]);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

export const VALID_JSONL = VALID_ARTICLES.map((article) => JSON.stringify(article)).join('\n') + '\n';
export const VALID_JSON = JSON.stringify(VALID_ARTICLES, null, 1);
export const VALID_TXT = 'Powódź na Odrze\n\nFala powodziowa dotarła do Raciborza. Ewakuowano 3400 osób.\n';

/** The hand-picked file cases. */
export function hostileFiles(): FileCase[] {
  const line = (record: unknown) => JSON.stringify(record);
  const twentyMegabytes = 'Flood in Wrocław closes bridges. '.repeat(Math.ceil((20 * 1024 * 1024) / 33));
  return [
    { name: 'empty .txt', files: [{ name: 'empty.txt', content: '' }] },
    { name: 'whitespace-only .md', files: [{ name: 'blank.md', content: ' \n\t\n  ' }] },
    { name: 'empty .json', files: [{ name: 'empty.json', content: '' }] },
    { name: 'empty .jsonl', files: [{ name: 'empty.jsonl', content: '' }] },
    { name: 'BOM before a .txt', files: [{ name: 'bom.txt', content: concat(BOM, utf8(VALID_TXT)) }] },
    { name: 'BOM before a .json', files: [{ name: 'bom.json', content: concat(BOM, utf8(VALID_JSON)) }] },
    { name: 'BOM before a .jsonl', files: [{ name: 'bom.jsonl', content: concat(BOM, utf8(VALID_JSONL)) }] },
    { name: 'BOM inside a .jsonl line', files: [{ name: 'bom-mid.jsonl', content: `{"id":"x","text":"ok"}\n\ufeff{"id":"y","text":"ok"}\n` }] },
    // Polish in ISO-8859-2: not UTF-8, each diacritic becomes U+FFFD.
    { name: 'Latin-2 text (invalid UTF-8)', files: [{ name: 'latin2.txt', content: Uint8Array.from([0x50, 0x6f, 0x77, 0xf3, 0x62, 0x6f, 0x0a, 0x4f, 0x64, 0x72, 0xb1, 0x20, 0x7a, 0x61, 0x6c, 0x61, 0xb3, 0x61]) }] },
    { name: 'invalid UTF-8 inside a JSON string', files: [{ name: 'bad-utf8.jsonl', content: concat(utf8('{"id":"b","text":"Flo'), Uint8Array.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), utf8('od"}\n')) }] },
    { name: 'binary .txt with NUL bytes (PNG header)', files: [{ name: 'image.txt', content: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]) }] },
    { name: 'binary .md without NUL bytes', files: [{ name: 'noise.md', content: Uint8Array.from({ length: 4096 }, (_, i) => 0x80 + ((i * 37) % 0x7f)) }] },
    { name: 'binary .jsonl', files: [{ name: 'data.jsonl', content: Uint8Array.from({ length: 4096 }, (_, i) => (i * 131) % 256) }] },
    { name: 'NUL bytes inside a .jsonl line', files: [{ name: 'nul.jsonl', content: `{"id":"n1","text":"ok"}\n{"id":"n2",\u0000"text":"x"}\n` }] },
    { name: 'escaped NUL and controls in JSON strings', files: [{ name: 'ctl.jsonl', content: line({ id: 'c1', title: '\u0000Head\u001bline', text: 'Body\u0000 with \u0007 bell' }) }] },
    { name: '20 MB article on one JSONL line', files: [{ name: 'huge.jsonl', content: line({ id: 'huge', title: 'Huge', text: twentyMegabytes }) + '\n' + line({ id: 'after', text: 'ok' }) }] },
    { name: '20 MB of garbage on one JSONL line', files: [{ name: 'garbage.jsonl', content: 'x'.repeat(20 * 1024 * 1024) + '\n' + line({ id: 'after', text: 'ok' }) }] },
    { name: 'CRLF, blank lines and a torn last line', files: [{ name: 'crlf.jsonl', content: `${line({ id: 'a', text: 'one' })}\r\n\r\n${line({ id: 'b', text: 'two' })}\r\n{"id":"c","te` }] },
    { name: 'wrong types in JSONL records', files: [{ name: 'types.jsonl', content: [line({ id: 'n', text: 5 }), line({ id: { x: 1 }, text: 'ok' }), line({ id: null, text: 'fallback id' }), line({ id: 3.5, text: 'numeric id' }), line({ id: 't', title: ['x'], text: 'ok' }), line({ id: 'l', text: 'ok', lang: 7 }), line({ id: 'd', text: 'ok', publishedAt: 'soon' }), line({ id: 'dd', text: 'ok', date: '+275760-09-14' }), line([1, 2]), line('string'), line(null), line(42)].join('\n') }] },
    { name: 'duplicate ids in one file', files: [{ name: 'dups.jsonl', content: [line({ id: 'x', text: 'one' }), line({ id: 'x', text: 'two' }), line({ id: 'x', title: 'three', text: '' })].join('\n') }] },
    { name: 'duplicate ids across files and folders', files: [{ name: 'a.jsonl', content: line({ id: 'same.txt', text: 'from jsonl' }) }, { name: 'same.txt', content: 'Title\nfrom txt' }, { name: 'sub/same.txt', content: 'Title\nfrom a subfolder' }] },
    { name: 'JSON top-level scalars', files: [{ name: 'num.json', content: '42' }, { name: 'str.json', content: '"text"' }, { name: 'null.json', content: 'null' }, { name: 'nested.json', content: '[[{"id":"deep","text":"x"}]]' }] },
    { name: 'JSON nested 100,000 deep', files: [{ name: 'deep.json', content: '['.repeat(100_000) + ']'.repeat(100_000) }] },
    { name: 'JSON array with good and bad records', files: [{ name: 'mixed.json', content: JSON.stringify([...VALID_ARTICLES, { id: 'bad', text: '' }, { text: 'no id' }, 'nope', { id: 'pl-flood', text: 'duplicate' }]) }] },
    { name: 'HTML saved as .txt', files: [{ name: 'page.txt', content: '<html><head><title>Flood</title><style>p{}</style></head><body><p>Flood in <b>Wrocław</b></p><script>track()</script></body></html>' }] },
    { name: 'emoji-only .txt', files: [{ name: 'emoji.txt', content: '🔥🌊\n📈 👨‍👩‍👧' }] },
    { name: 'right-to-left .txt', files: [{ name: 'rtl.txt', content: 'שיטפון בפולין\nגל השיטפון הגיע לרציבוז׳.\nوصلت موجة الفيضان.' }] },
    { name: 'lone surrogates escaped in JSON', files: [{ name: 'sur.jsonl', content: '{"id":"s1","text":"Flood \\ud800 here"}\n{"id":"\\udc00","text":"bad id"}\n' }] },
    { name: 'odd file names', files: [{ name: 'new\nline.txt', content: 'Title\nBody' }, { name: 'spaces and ünïcödé 🌊.txt', content: 'Title\nBody' }, { name: `${'n'.repeat(240)}.txt`, content: 'Title\nBody' }] },
    { name: 'hidden files, other extensions, no extension', files: [{ name: '.hidden.txt', content: 'Title\nBody' }, { name: 'data.csv', content: 'a,b' }, { name: 'README', content: 'x' }, { name: 'ok.txt', content: 'Title\nBody' }] },
  ];
}

type Mutation = (bytes: Uint8Array, random: () => number) => { bytes: Uint8Array; step: string };

const pieces = ['\u0000', '\ufeff', '\ud800', '😀', 'שלום', '"', '\\', '{', '}', '[', ']', ',', ':', '\n', '\r\n', 'null', '1e999', '-0', 'true', '<script>'];

const MUTATIONS: Mutation[] = [
  (bytes, random) => {
    const at = Math.floor(random() * (bytes.length + 1));
    return { bytes: bytes.subarray(0, at), step: `truncate at ${at}` };
  },
  (bytes, random) => {
    const out = bytes.slice();
    const flips = 1 + Math.floor(random() * 8);
    for (let k = 0; k < flips && out.length > 0; k++) out[Math.floor(random() * out.length)]! ^= 1 << Math.floor(random() * 8);
    return { bytes: out, step: `flip ${flips} bits` };
  },
  (bytes, random) => {
    const odd = [[0x00], [0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0x80]];
    const insert = Uint8Array.from(odd[Math.floor(random() * odd.length)]!);
    const at = Math.floor(random() * (bytes.length + 1));
    return { bytes: concat(bytes.subarray(0, at), insert, bytes.subarray(at)), step: `insert bytes ${[...insert].map((b) => b.toString(16)).join(' ')}` };
  },
  (bytes, random) => {
    const text = random() < 0.5 ? pieces[Math.floor(random() * pieces.length)]! : randomCodeUnits(random, 1 + Math.floor(random() * 20));
    const at = Math.floor(random() * (bytes.length + 1));
    return { bytes: concat(bytes.subarray(0, at), utf8(text), bytes.subarray(at)), step: 'splice unicode' };
  },
  (bytes, random) => {
    // A type change that keeps the JSON valid: the kind of error a producer makes.
    const lines = new TextDecoder().decode(bytes).split('\n');
    const index = Math.floor(random() * lines.length);
    try {
      const record = JSON.parse(lines[index]!) as Record<string, unknown>;
      const fields = ['id', 'text', 'title', 'lang', 'publishedAt', 'date'];
      const field = fields[Math.floor(random() * fields.length)]!;
      const values = [null, 0, 1.5, true, [], {}, [record[field]], { value: record[field] }, '', '2026-13-45', 'x'.repeat(300_000)];
      record[field] = values[Math.floor(random() * values.length)];
      lines[index] = JSON.stringify(record);
      return { bytes: utf8(lines.join('\n')), step: `retype ${field} on line ${index + 1}` };
    } catch {
      return { bytes, step: 'retype (line not JSON, unchanged)' };
    }
  },
  (bytes, random) => {
    const lines = new TextDecoder().decode(bytes).split('\n');
    const index = Math.floor(random() * lines.length);
    lines.splice(index, 0, lines[index]!);
    return { bytes: utf8(lines.join('\n')), step: `duplicate line ${index + 1}` };
  },
];

/**
 * `count` files made from valid .jsonl/.json/.txt bytes by one to three random byte-level or
 * record-level mutations each, reproducible from `seed`.
 */
export function mutatedFiles(seed: number, count: number): FileCase[] {
  const random = seededRandom(seed);
  const bases: Array<[string, Uint8Array]> = [
    ['feed.jsonl', utf8(VALID_JSONL)],
    ['feed.jsonl', utf8(VALID_JSONL)],
    ['articles.json', utf8(VALID_JSON)],
    ['story.txt', utf8(VALID_TXT)],
  ];
  const cases: FileCase[] = [];
  for (let n = 0; n < count; n++) {
    const [name, base] = bases[Math.floor(random() * bases.length)]!;
    let bytes = base;
    const steps: string[] = [];
    const mutations = 1 + Math.floor(random() * 3);
    for (let m = 0; m < mutations; m++) {
      const result = MUTATIONS[Math.floor(random() * MUTATIONS.length)]!(bytes, random);
      bytes = result.bytes;
      steps.push(result.step);
    }
    cases.push({ name: `mutation ${n} of ${name} (${steps.join(', ')})`, files: [{ name, content: bytes }] });
  }
  return cases;
}
