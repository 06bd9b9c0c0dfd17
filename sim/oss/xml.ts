// The little XML the OSS simulator needs: escaping for the documents it writes, and a small,
// strict parser for the one body it reads (DeleteMultipleObjects' <Delete>).

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<name>escaped text</name>`, or `<name>children</name>` when given an array of elements. */
export function el(name: string, content: string | number | readonly string[]): string {
  const inner = Array.isArray(content) ? content.join('') : escapeXml(String(content));
  return `<${name}>${inner}</${name}>`;
}

export function xmlDocument(root: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}`;
}

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** Concatenated character data directly inside the element (entities decoded). */
  text: string;
}

export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new XmlSyntaxError(`bare '&' in text`);
    const named = ENTITIES[ref];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!numeric) throw new XmlSyntaxError(`unknown entity &${ref};`);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] ?? '', 10);
    if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlSyntaxError(`bad character reference &${ref};`);
    return String.fromCodePoint(code);
  });
}

/** Parses one document: optional declaration, one root element, comments and CDATA allowed. */
export function parseXml(source: string): XmlElement {
  let at = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const skipSpace = (): void => {
    while (at < source.length && /\s/.test(source.charAt(at))) at += 1;
  };
  const expect = (literal: string): void => {
    if (!source.startsWith(literal, at)) throw new XmlSyntaxError(`expected '${literal}' at ${at}`);
    at += literal.length;
  };
  const skipPast = (terminator: string): string => {
    const end = source.indexOf(terminator, at);
    if (end < 0) throw new XmlSyntaxError(`unterminated construct, missing '${terminator}'`);
    const inner = source.slice(at, end);
    at = end + terminator.length;
    return inner;
  };
  const readName = (): string => {
    const match = NAME.exec(source.slice(at, at + 200));
    if (!match) throw new XmlSyntaxError(`expected a name at ${at}`);
    at += match[0].length;
    return match[0];
  };

  const parseElement = (): XmlElement => {
    expect('<');
    const name = readName();
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name, children: [], text: '' };
      }
      if (source.startsWith('>', at)) {
        at += 1;
        break;
      }
      readName();
      skipSpace();
      expect('=');
      skipSpace();
      const quote = source.charAt(at);
      if (quote !== '"' && quote !== "'") throw new XmlSyntaxError(`expected a quoted attribute value at ${at}`);
      at += 1;
      skipPast(quote);
    }
    const element: XmlElement = { name, children: [], text: '' };
    for (;;) {
      if (at >= source.length) throw new XmlSyntaxError(`element <${name}> is not closed`);
      if (source.startsWith('</', at)) {
        at += 2;
        const closing = readName();
        if (closing !== name) throw new XmlSyntaxError(`</${closing}> closes <${name}>`);
        skipSpace();
        expect('>');
        return element;
      }
      if (source.startsWith('<!--', at)) {
        at += 4;
        skipPast('-->');
      } else if (source.startsWith('<![CDATA[', at)) {
        at += 9;
        element.text += skipPast(']]>');
      } else if (source.startsWith('<', at)) {
        element.children.push(parseElement());
      } else {
        const end = source.indexOf('<', at);
        const raw = source.slice(at, end < 0 ? source.length : end);
        at += raw.length;
        element.text += decodeEntities(raw);
      }
    }
  };

  skipSpace();
  if (source.startsWith('<?xml', at)) skipPast('?>');
  skipSpace();
  const root = parseElement();
  skipSpace();
  if (at !== source.length) throw new XmlSyntaxError('content after the root element');
  return root;
}
