// Where a gate's decision goes besides the terminal: JUnit XML, a markdown file, and the GitHub
// Actions job summary (appended, as GitHub expects, when $GITHUB_STEP_SUMMARY is set).
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GateOutcome } from './evaluate.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export interface GateOutputTargets {
  junit?: string;
  markdown?: string;
  /** Usually process.env.GITHUB_STEP_SUMMARY. */
  stepSummary?: string;
}

/** Writes every requested output; returns the paths written. */
export async function writeGateOutputs(outcome: GateOutcome, targets: GateOutputTargets): Promise<string[]> {
  const written: string[] = [];
  const put = async (path: string, text: string, append = false) => {
    await mkdir(dirname(path), { recursive: true });
    await (append ? appendFile(path, text) : writeFile(path, text));
    written.push(path);
  };
  if (targets.junit) await put(targets.junit, renderJunit(outcome));
  const markdown = targets.markdown || targets.stepSummary ? renderMarkdown(outcome) : '';
  if (targets.markdown) await put(targets.markdown, markdown);
  if (targets.stepSummary) await put(targets.stepSummary, `${markdown}\n`, true);
  return written;
}
