// What an answer over HTTP may say about the server's disk: paths relative to the model repository
// and no listing of what it holds, so a client learns neither the layout of the host nor the models
// it was not told about. The server log keeps the full message.
import { realpathSync } from 'node:fs';
import path from 'node:path';

/** The absolute forms of the repository root that messages may contain, longest first. */
export function repositoryRoots(root: string): string[] {
  const forms = new Set([path.resolve(root)]);
  try {
    forms.add(realpathSync(root));
  } catch {
    // A root that cannot be resolved has no other form to hide.
  }
  return [...forms].filter((form) => form !== path.sep).sort((a, b) => b.length - a.length);
}

/** ` (loaded: a, b)` and ` (models: a, b)`: lists of the repository's models (a model's own versions stay). */
const LISTING = / \((?:loaded: (?!version )|models: )[^)]*\)/g;

/** What may follow the root itself in a message (a longer sibling such as `${root}2` is not the root). */
const ROOT_END = String.raw`(?=$|[\s'"),;:.\]])`;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The message as a client may see it: `roots` made relative, model listings dropped. */
export function redactMessage(message: string, roots: readonly string[]): string {
  let text = message.replace(LISTING, '');
  for (const root of roots) {
    const at = escaped(root);
    text = text
      .replace(new RegExp(`(?:model )?repository ${at}${ROOT_END}`, 'g'), 'the model repository')
      .replace(new RegExp(`${at}${escaped(path.sep)}`, 'g'), '')
      .replace(new RegExp(`${at}${ROOT_END}`, 'g'), '.');
  }
  return text;
}
