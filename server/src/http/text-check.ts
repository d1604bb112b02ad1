import { type DocumentNode, visit } from 'graphql';

// C0 and C1 control characters except tab, line feed and carriage return; DEL; unpaired surrogate halves.
// Postgres refuses NUL in text and jsonb and lone surrogates in jsonb, so they must not get that far.
const forbidden =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isCleanText = (text: string) => !forbidden.test(text);

/** The path of the first string (value or object key) in a JSON value that is not clean text, or null. */
export function findBadText(root: unknown, rootPath: string): string | null {
  // An explicit stack: variables may nest deeper than the call stack allows.
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (!isCleanText(value)) return path;
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) stack.push([item, `${path}[${i}]`]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (!isCleanText(key)) return `${path} (a key)`;
        stack.push([item, `${path}.${key}`]);
      }
    }
  }
  return null;
}

const checkedDocuments = new WeakMap<DocumentNode, boolean>();

/**
 * Whether any string literal in the document (arguments, input objects, lists, JSON) holds unclean text;
 * remembered per document, since Apollo and the socket path reuse parsed documents.
 */
export function documentHasBadText(document: DocumentNode): boolean {
  const known = checkedDocuments.get(document);
  if (known !== undefined) return known;
  const bad = visitForBadText(document);
  checkedDocuments.set(document, bad);
  return bad;
}

function visitForBadText(document: DocumentNode): boolean {
  let bad = false;
  visit(document, {
    StringValue(node) {
      if (!isCleanText(node.value)) bad = true;
    },
  });
  return bad;
}
