// The GraphiQL page, loaded only by a process that serves it (see createYogaServer in app.ts).
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * Embedded mode: GraphiQL signs in as the local user the way the web client does, by asking
 * same-origin GET /auth/local at load; no credential is written into the page itself.
 */
const signInThenRender = `function (root, options) {
  fetch('/auth/local', { headers: { accept: 'application/json' } })
    .then(function (res) { return res.ok ? res.json() : null; })
    .catch(function () { return null; })
    .then(function (body) {
      if (body && body.token) options.headers = JSON.stringify({ Authorization: 'Bearer ' + body.token }, null, 2);
      YogaGraphiQL.renderYogaGraphiQL(root, options);
    });
}`;

function renderEmbeddedGraphiQL(options: GraphiQLOptions): string {
  const html = renderGraphiQL(options);
  const call = 'YogaGraphiQL.renderYogaGraphiQL(';
  const at = html.lastIndexOf(call);
  // A GraphiQL whose page no longer looks like this still works: the header is then pasted by hand.
  if (at < 0) return html;
  return `${html.slice(0, at)}(${signInThenRender})(${html.slice(at + call.length)}`;
}

/** The page; in embedded mode (`signInLocally`) it signs in as the local user by itself. */
export function renderGraphiQLPage(options: GraphiQLOptions, { signInLocally }: { signInLocally: boolean }): string {
  return signInLocally ? renderEmbeddedGraphiQL(options) : renderGraphiQL(options);
}
