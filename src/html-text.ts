// Scraped articles often arrive as HTML fragments: tags, inline scripts and styles, and
// entities would otherwise be embedded as words. This turns markup into plain text, in time
// linear in the input whatever it holds (unclosed comments and scripts included).

// Elements whose content is never article text.
const HIDDEN_ELEMENTS = ['script', 'style', 'noscript', 'template', 'svg', 'head'];
const HIDDEN_OPEN = new RegExp(`<(${HIDDEN_ELEMENTS.join('|')})(?=[\\s/>])`, 'gi');
const COMMENT_OPEN = /<!--/g;

// Elements that end a line of text; other tags (b, a, span, …) join their neighbours.
const BLOCK_TAG = /^\/?(?:p|br|div|h[1-6]|li|ul|ol|tr|td|th|table|section|article|header|footer|aside|blockquote|figure|figcaption|pre|hr|dd|dt|main|nav|title)$/i;

// A tag: '<' then a letter (or '/' and a letter) up to the next '>', with no '<' inside, so
// "a < b" and "x<y" in plain prose are left alone.
const TAG = /<(\/?[a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?\/?>/g;
const ENTITY = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,10});/g;

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map(Object.entries({
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
  ndash: '–', mdash: '—', hellip: '…', laquo: '«', raquo: '»', bdquo: '„',
  ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', sbquo: '‚', euro: '€', shy: '',
  copy: '©', reg: '®', deg: '°', middot: '·', bull: '•', times: '×', zwnj: '\u200c', zwj: '\u200d',
}));

/** True when the text holds a tag, a comment or an entity worth decoding. */
export function looksLikeHtml(text: string): boolean {
  TAG.lastIndex = 0;
  ENTITY.lastIndex = 0;
  return text.includes('<!--') || TAG.test(text) || ENTITY.test(text);
}

/**
 * Plain text of an HTML fragment: script/style/… elements and comments dropped, block tags
 * turned into line breaks, other tags removed, character references decoded (numeric ones
 * outside Unicode, surrogates and NUL become U+FFFD). Text without markup is returned as is.
 */
export function htmlToText(text: string): string {
  if (!looksLikeHtml(text)) return text;
  const visible = removeRegions(removeRegions(text, COMMENT_OPEN, () => /-->/g), HIDDEN_OPEN, (name) => new RegExp(`</${name}\\s*>`, 'gi'));
  const untagged = visible.replace(TAG, (_, name: string) => (BLOCK_TAG.test(name) ? '\n' : '')).replace(/<!--/g, ' ');
  return untagged.replace(ENTITY, decodeEntity);
}

/**
 * Cuts every region from an opening match to its closing match. An opening never closed is
 * left to the tag pass (only the tag goes: prose about "<script>" keeps its words). Linear:
 * the closing of each element name is searched for in vain at most once (a lazy
 * `<script>[\s\S]*?</script>` would rescan the tail for every opening).
 */
function removeRegions(text: string, open: RegExp, closeFor: (name: string) => RegExp): string {
  const parts: string[] = [];
  const unclosed = new Set<string>();
  let from = 0;
  open.lastIndex = 0;
  for (;;) {
    const start = open.exec(text);
    if (!start) break;
    const name = (start[1] ?? '').toLowerCase();
    if (unclosed.has(name)) continue;
    const close = closeFor(name);
    close.lastIndex = start.index + start[0].length;
    const end = close.exec(text);
    if (!end) {
      unclosed.add(name);
      continue;
    }
    parts.push(text.slice(from, start.index), ' ');
    from = end.index + end[0].length;
    open.lastIndex = from;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

function decodeEntity(whole: string, body: string): string {
  if (body[0] !== '#') return NAMED_ENTITIES.get(body.toLowerCase()) ?? whole;
  const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}
