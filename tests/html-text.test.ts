import { describe, expect, it } from 'vitest';
import { htmlToText, looksLikeHtml } from '../src/html-text.js';

describe('htmlToText', () => {
  it('drops scripts, styles and comments and keeps the visible text', () => {
    const html = '<style>p { color: red }</style><p>Flood in <b>Wrocław</b></p><script type="x">alert("no")</script><!-- ad --><p>Bridges closed.</p>';
    expect(htmlToText(html).split('\n').map((line) => line.trim()).filter(Boolean)).toEqual(['Flood in Wrocław', 'Bridges closed.']);
  });

  it('decodes named and numeric character references', () => {
    expect(htmlToText('AT&amp;T &#8211; caf&eacute; &#x1F600; &euro;5')).toBe('AT&T – caf&eacute; 😀 €5');
  });

  it('turns references to no character into U+FFFD', () => {
    expect(htmlToText('a&#0;b&#xD800;c&#1114112;d')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
  });

  it('does not look up inherited object keys as entities', () => {
    expect(htmlToText('&constructor; &toString;')).toBe('&constructor; &toString;');
  });

  it('leaves comparisons in plain prose alone', () => {
    const text = 'Inflation < 2% and growth > 1%; x<y holds.';
    expect(looksLikeHtml(text)).toBe(false);
    expect(htmlToText(text)).toBe(text);
  });

  it('keeps the words after a script tag that is never closed, as prose about HTML has them', () => {
    expect(htmlToText('Attackers put a <script> tag into the page.')).toBe('Attackers put a  tag into the page.');
  });

  it('stays linear on thousands of unclosed openings', () => {
    const hostile = '<script>'.repeat(20_000) + '<!--'.repeat(20_000) + '<style>'.repeat(20_000);
    expect(htmlToText(`visible ${hostile} end`).trim().replace(/\s+/g, ' ')).toBe('visible end');
  });
});
