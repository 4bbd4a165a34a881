import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { serveError } from '../errors.ts';

/** Reads a server config file: `.json` as JSON, anything else as YAML (a superset of JSON). */
export async function readConfigFile(path: string): Promise<{ path: string; data: unknown }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw serveError('SB_ERR_CONFIG', `${path}: cannot read config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    return { path, data: data ?? {} };
  } catch (err) {
    throw serveError('SB_ERR_CONFIG', `${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}

/** The management token file's text; read once at start, before the server binds. */
export function readTokenFileSync(path: string): string {
  return readFileSync(path, 'utf8');
}
