import { type ComponentProps, memo } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

function Link({ node: _node, href, children, ...rest }: ComponentProps<'a'> & { node?: unknown }) {
  // An unsafe URL (javascript: and the like) was emptied: no link then.
  if (!href) return <span>{children}</span>;
  return (
    <a {...rest} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** Images would load from anywhere a sender likes (tracking pixels): show them as links instead. */
function Image({ src, alt }: ComponentProps<'img'> & { node?: unknown }) {
  if (typeof src !== 'string' || !src) return <>{alt ?? ''}</>;
  return (
    <a href={src} target="_blank" rel="noopener noreferrer">
      {alt || src}
    </a>
  );
}

const components: Components = { a: Link, img: Image };
const plugins = [remarkGfm];

/**
 * A message body as Markdown (GitHub flavour). Safe by construction: react-markdown
 * builds React elements, never HTML strings, shows raw HTML as plain text (no
 * rehype-raw here), and drops javascript: and other unsafe URLs.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={plugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
